namespace ZangZhiFa.Workflow.Engine.Model;

/// <summary>
/// One line of the case record (执法全过程记录): what ran, when, who acted and with what outcome.
/// Appended, never updated.
/// </summary>
public sealed class JournalEntry
{
    public long Id { get; set; }

    public Guid InstanceId { get; set; }

    public string? CorrelationId { get; set; }

    public string? ActivityId { get; set; }

    public string? ActivityType { get; set; }

    /// <summary>What happened: <c>started</c>, <c>executed</c>, <c>waiting</c>, <c>resumed</c>, <c>escalated</c>, <c>completed</c>, …</summary>
    public string Event { get; set; } = "";

    public string? Outcome { get; set; }

    /// <summary>User name, or <c>system</c> for timers.</summary>
    public string Actor { get; set; } = "system";

    public DateTimeOffset At { get; set; }

    /// <summary>Short human-readable summary of the inputs.</summary>
    public string? Summary { get; set; }
}
