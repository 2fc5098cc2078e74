using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>One instance loaded into one unit of work: its variables, state and waits, and the work queued.</summary>
internal sealed class RunSession(WorkflowInstance instance, WorkflowDefinition definition, List<Bookmark> bookmarks)
{
    public WorkflowInstance Instance { get; } = instance;

    public WorkflowDefinition Definition { get; } = definition;

    public JsonObject Variables { get; } = JsonNode.Parse(instance.VariablesJson)?.AsObject() ?? [];

    public ExecutionState State { get; } = ExecutionState.Parse(instance.StateJson);

    public List<Bookmark> Bookmarks { get; } = bookmarks;

    public List<WorkflowTask>? OpenTasks { get; set; }

    public LinkedList<WorkItem> Queue { get; } = new();

    public string Actor { get; set; } = "system";

    public bool Running { get; set; }
}

/// <summary>An activity to execute, or a bookmark of it to resume, on a path with the given scope.</summary>
internal sealed record WorkItem(string ActivityId, IReadOnlyList<ScopeFrame> Scope, Bookmark? Resume = null, ResumeInput? Input = null);
