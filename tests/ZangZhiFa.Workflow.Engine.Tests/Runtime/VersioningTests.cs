using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Runtime;

public sealed class VersioningTests
{
    private static string Flow(int version, string secondStep) => $$"""
    {
      "id": "versioned", "name": "版本", "version": {{version}},
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "first", "type": "HumanTask", "properties": { "title": "第一步", "assignee": { "role": "受理员" }, "outcomes": ["好"] } },
        { "id": "second", "type": "HumanTask", "properties": { "title": "{{secondStep}}", "assignee": { "role": "监督科长" }, "outcomes": ["好"] } },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "first" },
        { "from": "first", "outcome": "好", "to": "second" },
        { "from": "second", "outcome": "好", "to": "end" }
      ]
    }
    """;

    [Fact]
    public async Task Start_UsesTheLatestVersion_WhileRunningInstancesStayOnTheirs()
    {
        var engine = new EngineHarness(Flow(1, "旧版第二步"));
        var old = await engine.StartAsync("versioned");
        engine.Publish(Flow(2, "新版第二步：科长审批"));
        var @new = await engine.StartAsync("versioned");

        foreach (var task in engine.OpenTasks())
        {
            await engine.CompleteAsync(task, "好");
        }

        engine.Instance(old.Id).DefinitionVersion.Should().Be(1);
        engine.Instance(@new.Id).DefinitionVersion.Should().Be(2);
        engine.OpenTasks(old.Id).Single().Title.Should().Be("旧版第二步");
        engine.OpenTasks(@new.Id).Single().Title.Should().Be("新版第二步：科长审批");
    }
}
