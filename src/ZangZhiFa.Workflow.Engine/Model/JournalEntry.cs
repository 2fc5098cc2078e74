namespace ZangZhiFa.Workflow.Engine.Model;

/// <summary>
/// One line of the case record (执法全过程记录): what ran, when, who acted and with what outcome.
/// Appended, never updated. The store links every line to the one before it, globally and within its case,
/// by hashes, so an edited or deleted line is detectable.
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

    /// <summary>Position in the whole journal (1, 2, 3…), given by the store under the write lock; the chain follows it.</summary>
    public long Sequence { get; set; }

    /// <summary>The case this line belongs to (correlation id, else instance id); the per-case chain follows it.</summary>
    public string? CaseKey { get; set; }

    /// <summary>Hash of the previous line of the whole journal (empty for the first).</summary>
    public string? PreviousHash { get; set; }

    /// <summary>Hash of the previous line of the same case (empty for its first).</summary>
    public string? CasePreviousHash { get; set; }

    /// <summary>SHA-256 over this line's content and both previous hashes.</summary>
    public string? Hash { get; set; }
}
