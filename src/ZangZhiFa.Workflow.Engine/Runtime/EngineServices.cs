using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Expressions;

namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>The services every activity may use, bundled so activity constructors stay empty.</summary>
public sealed record EngineServices(
    IWorkflowStore Store,
    IWorkflowDefinitionProvider Definitions,
    ActivityRegistry Activities,
    ScriptEngine Scripts,
    TimeProvider Time,
    IWorkingCalendar Calendar,
    INoticeRenderer Notices,
    IOrgDirectory Orgs,
    IReadOnlyDictionary<string, IWorkflowService>? DomainServices = null);

/// <summary>
/// Input that resumes a bookmark: who acts (their user name, and the name a notice prints for them, e.g. 审核人员),
/// and what they chose or sent.
/// </summary>
public sealed record ResumeInput(string Actor, string? Outcome = null, string? Comment = null, System.Text.Json.Nodes.JsonObject? Fields = null, string? ActorName = null)
{
    public static ResumeInput System { get; } = new("system");
}
