namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>No such task, bookmark, instance or definition (404).</summary>
public sealed class WorkflowNotFoundException(string message) : Exception(message);

/// <summary>The task was already completed or cancelled by someone else (409).</summary>
public sealed class TaskNotOpenException(Guid taskId, string message) : Exception(message)
{
    public Guid TaskId { get; } = taskId;
}

/// <summary>A task completion with a bad outcome or missing/invalid form fields (400); names each field.</summary>
public sealed class TaskInputException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("任务提交内容有误: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
