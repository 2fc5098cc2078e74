using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Expressions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Tests.Support;

/// <summary>
/// The engine over an in-memory store with the real calendar and notice templates, on a fake clock that
/// starts Monday 2026-03-02 09:00 Beijing time. Each operation runs in a fresh runner, as a request would.
/// </summary>
public sealed class EngineHarness
{
    public static readonly DateTimeOffset Monday0900 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    public EngineHarness(params string[] definitionsJson)
    {
        Validator = new WorkflowValidator(Activities, Scripts, Notices);
        foreach (var json in definitionsJson)
        {
            Publish(json);
        }
    }

    public FakeTimeProvider Time { get; } = new(Monday0900);

    public InMemoryWorkflowStore Store { get; } = new();

    public DefinitionCatalog Catalog { get; } = new();

    public ScriptEngine Scripts { get; } = new();

    public ActivityRegistry Activities { get; } = ActivityRegistry.CreateDefault();

    public IWorkingCalendar Calendar { get; } = SharedServices.Calendar;

    public INoticeRenderer Notices { get; } = SharedServices.Notices;

    public InMemoryOrgDirectory Orgs { get; } = new();

    public WorkflowValidator Validator { get; }

    public WorkflowDefinition Publish(string json)
    {
        var definition = WorkflowDefinitionSerializer.Deserialize(json, "test.json");
        var errors = Validator.Validate(definition, "test.json", Catalog.Ids.Append(definition.Id).ToHashSet());
        errors.Should().BeEmpty("the test's definition must itself be valid");
        Catalog.Publish(definition);
        return definition;
    }

    public WorkflowRunner Runner() =>
        new(new EngineServices(Store, Catalog, Activities, Scripts, Time, Calendar, Notices, Orgs, DomainServices), NullLogger<WorkflowRunner>.Instance);

    /// <summary>Domain services the flows under test call through <c>Invoke</c>, by name.</summary>
    public Dictionary<string, IWorkflowService> DomainServices { get; } = new(StringComparer.Ordinal);

    public async Task<WorkflowInstance> StartAsync(string definitionId, JsonObject? inputs = null, string? correlationId = null)
    {
        var instance = await Runner().StartAsync(definitionId, inputs, new StartOptions(correlationId, "tester"), CancellationToken.None);
        await Store.SaveChangesAsync(CancellationToken.None);
        return instance;
    }

    public async Task CompleteAsync(WorkflowTask task, string outcome, JsonObject? fields = null, string actor = "tester")
    {
        await Runner().CompleteTaskAsync(task.Id, new ResumeInput(actor, outcome, null, fields), CancellationToken.None);
        await Store.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Moves the clock and fires every timer that is due, the way the scheduler does (one unit of work each).</summary>
    public async Task<int> AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        var fired = 0;
        foreach (var timer in Store.Bookmarks.Where(b => b.Kind == BookmarkKind.Timer && b.DueAt <= Time.GetUtcNow()).OrderBy(b => b.DueAt).ToList())
        {
            if (await Runner().FireTimerAsync(timer.Id, CancellationToken.None))
            {
                fired++;
                await Store.SaveChangesAsync(CancellationToken.None);
            }
        }

        return fired;
    }

    public List<WorkflowTask> OpenTasks(Guid? instanceId = null) =>
        Store.Tasks.Where(t => t.Status == WorkflowTaskStatus.Open && (instanceId is null || t.InstanceId == instanceId)).ToList();

    public WorkflowTask OpenTask(string activityId) =>
        Store.Tasks.Single(t => t.Status == WorkflowTaskStatus.Open && t.ActivityId == activityId);

    public WorkflowInstance Instance(Guid id) => Store.Instances.Single(i => i.Id == id);
}
