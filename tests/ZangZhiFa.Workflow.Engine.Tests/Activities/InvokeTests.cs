using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Activities;

/// <summary>The Invoke activity: inputs from expressions, the answer's outcome followed, its value kept, bad answers faulting loudly.</summary>
public sealed class InvokeTests
{
    private const string Flow = """
    {
      "id": "invoke-sample", "name": "调用样例", "version": 1,
      "variables": [ { "name": "unit", "type": "string", "default": "540102" } ],
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "ask", "type": "Invoke", "properties": { "service": "echo", "inputs": { "unitCode": "unit + '-x'" }, "outcomes": ["yes", "no"] } },
        { "id": "task", "type": "HumanTask", "properties": { "title": "收到 {{ ask.unitCode }}", "assignee": { "role": "承办人", "orgUnit": "unit" }, "outcomes": ["完成"] } },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "ask" },
        { "from": "ask", "outcome": "yes", "to": "task" },
        { "from": "ask", "outcome": "no", "to": "end" },
        { "from": "task", "outcome": "完成", "to": "end" }
      ]
    }
    """;

    private sealed class Echo(string outcome) : IWorkflowService
    {
        public string Name => "echo";

        public Task<ServiceResult> InvokeAsync(JsonObject inputs, ServiceCall call, CancellationToken cancellationToken) =>
            Task.FromResult(new ServiceResult(outcome, inputs.DeepClone(), $"echo {inputs["unitCode"]} for {call.ActivityId}"));
    }

    [Fact]
    public async Task Execute_FollowsTheServicesOutcomeAndKeepsItsValue_WhenTheServiceAnswers()
    {
        var engine = new EngineHarness(Flow);
        engine.DomainServices["echo"] = new Echo("yes");

        var instance = await engine.StartAsync("invoke-sample");

        engine.OpenTask("task").Title.Should().Be("收到 540102-x");
        engine.Store.Journal.Should().Contain(j => j.ActivityId == "ask" && j.Summary == "echo 540102-x for ask");
        instance.Status.Should().Be(WorkflowStatus.Suspended, "waiting on the task the outcome led to");
    }

    [Fact]
    public async Task Execute_FaultsTheInstanceNamingTheService_WhenNoneIsRegistered()
    {
        var engine = new EngineHarness(Flow);

        var instance = await engine.StartAsync("invoke-sample");

        instance.Status.Should().Be(WorkflowStatus.Faulted);
        instance.Fault.Should().Contain("未注册的业务服务 “echo”");
        engine.OpenTasks().Should().BeEmpty();
    }

    [Fact]
    public async Task Execute_FaultsTheInstance_WhenTheServiceAnswersAnUndeclaredOutcome()
    {
        var engine = new EngineHarness(Flow);
        engine.DomainServices["echo"] = new Echo("maybe");

        var instance = await engine.StartAsync("invoke-sample");

        instance.Status.Should().Be(WorkflowStatus.Faulted);
        instance.Fault.Should().Contain("返回了未声明的结果 “maybe”");
    }
}
