namespace ZangZhiFa.Workflow.Engine.Model;

public enum BookmarkKind
{
    /// <summary>A human task is open; resumed when it is completed.</summary>
    Task = 0,

    /// <summary>A point in time; resumed by the scheduler when due.</summary>
    Timer = 1,

    /// <summary>A named external signal (e.g. the complainant's supplement arrived).</summary>
    Signal = 2,

    /// <summary>A child instance; resumed when it finishes.</summary>
    Subflow = 3,
}

/// <summary>
/// A stored wait. Every pause of a flow is a row like this, never a sleeping thread: a resumption looks
/// the bookmark up by id, deletes it and continues the flow in the same transaction.
/// </summary>
public sealed class Bookmark
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public string ActivityId { get; set; } = "";

    public BookmarkKind Kind { get; set; }

    /// <summary>Signal name, or the purpose of a timer (<c>deadline</c>, <c>reminder</c>, <c>delay</c>).</summary>
    public string? Name { get; set; }

    /// <summary>The human task this bookmark belongs to (its own bookmark or one of its deadline timers).</summary>
    public Guid? TaskId { get; set; }

    public Guid? ChildInstanceId { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    /// <summary>Fork scopes of the path that waits here, as JSON; lets a wait-any join cancel its losers.</summary>
    public string ScopeJson { get; set; } = "[]";

    public string? PayloadJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
