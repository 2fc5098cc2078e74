namespace ZangZhiFa.Workflow.Engine.Model;

public enum WorkflowStatus
{
    Running = 0,
    Suspended = 1,
    Completed = 2,
    Cancelled = 3,
    Faulted = 4,
}

/// <summary>
/// One run of a definition. Variables and engine state are JSON text so the store needs no knowledge of
/// their shape; <see cref="Revision"/> is the optimistic-concurrency token, bumped on every save.
/// </summary>
public sealed class WorkflowInstance
{
    public Guid Id { get; set; }

    public string DefinitionId { get; set; } = "";

    public int DefinitionVersion { get; set; }

    public WorkflowStatus Status { get; set; }

    /// <summary>Business key, e.g. the complaint tracking number.</summary>
    public string? CorrelationId { get; set; }

    public Guid? ParentInstanceId { get; set; }

    public Guid? ParentBookmarkId { get; set; }

    public string VariablesJson { get; set; } = "{}";

    /// <summary>Fork/join bookkeeping; see <c>Runtime.ExecutionState</c>.</summary>
    public string StateJson { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Fault { get; set; }

    public int Revision { get; set; }
}
