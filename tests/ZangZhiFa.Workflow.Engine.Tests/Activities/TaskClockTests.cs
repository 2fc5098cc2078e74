using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Activities;

/// <summary>
/// Task clocks and <c>ExtendDeadline</c> where the complaint flow does not go: an extension granted while the
/// task is still open, and a signal whose timeout is a plain limit.
/// </summary>
public sealed class TaskClockTests
{
    private const string OpenTaskExtension = """
    {
      "id": "open-extension", "name": "办理中延期", "version": 1,
      "variables": [ { "name": "clock", "type": "object" } ],
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "split", "type": "Fork", "properties": { "branches": ["work", "ask"] } },
        { "id": "work", "type": "HumanTask", "properties": { "title": "办理", "assignee": { "role": "承办人", "orgUnit": "'540102'" }, "outcomes": ["完成"], "deadline": { "workingDays": 5 }, "clock": { "variable": "clock" } } },
        { "id": "overdue", "type": "End", "properties": {} },
        { "id": "ask", "type": "Signal", "properties": { "signal": "extend", "timeout": { "days": 2 } } },
        { "id": "extend", "type": "ExtendDeadline", "properties": { "clock": "clock", "by": { "workingDays": 3 } } },
        { "id": "no_request", "type": "End", "properties": {} },
        { "id": "merge", "type": "Join", "properties": { "mode": "all" } },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "split" },
        { "from": "split", "outcome": "work", "to": "work" },
        { "from": "split", "outcome": "ask", "to": "ask" },
        { "from": "work", "outcome": "完成", "to": "merge" },
        { "from": "work", "outcome": "超期", "to": "overdue" },
        { "from": "ask", "outcome": "done", "to": "extend" },
        { "from": "ask", "outcome": "超时", "to": "no_request" },
        { "from": "extend", "outcome": "done", "to": "merge" },
        { "from": "merge", "outcome": "done", "to": "end" }
      ]
    }
    """;

    private static DateTimeOffset Beijing(int month, int day) => new(2026, month, day, 0, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task ExtendDeadline_MovesAnOpenTasksDeadlineAndItsTimer_WhenGrantedWhileTheTaskIsOpen()
    {
        var engine = new EngineHarness(OpenTaskExtension);
        var instance = await engine.StartAsync("open-extension");
        engine.OpenTask("work").DueAt.Should().Be(Beijing(3, 10), "five working days from Monday 2 March end with Monday 9 March");

        await engine.Runner().SignalAsync(instance.Id, "extend", new JsonObject(), "lead", CancellationToken.None);
        await engine.Store.SaveChangesAsync(CancellationToken.None);

        var task = engine.OpenTask("work");
        task.DueAt.Should().Be(Beijing(3, 13), "three working days after Monday 9 March end with Thursday 12 March");
        engine.Store.Bookmarks.Where(b => b.Kind == BookmarkKind.Timer && b.Name == "deadline").Should().ContainSingle()
            .Which.DueAt.Should().Be(Beijing(3, 13), "the old deadline timer is replaced, not doubled");
        var clock = JsonNode.Parse(engine.Instance(instance.Id).VariablesJson)!["clock"]!;
        clock["extensions"]!.GetValue<int>().Should().Be(1);
        clock["extendedFrom"]!.GetValue<string>().Should().Be("2026-03-09");
        clock["dueDate"]!.GetValue<string>().Should().Be("2026-03-12");
        engine.Store.Bookmarks.Should().NotContain(b => b.Name == "timeout", "the signal came: its timeout went with it");
    }

    [Fact]
    public async Task SignalTimeout_EndsTheWaitWithTheTimeoutOutcomeAndForgetsTheSignal_WhenNothingComes()
    {
        var engine = new EngineHarness(OpenTaskExtension);
        var instance = await engine.StartAsync("open-extension");

        (await engine.AdvanceAsync(TimeSpan.FromDays(2.7))).Should().Be(1, "2 days from 2 March end with 4 March: the timeout fires, the task deadline (9 March) not yet");

        engine.Store.Bookmarks.Should().NotContain(b => b.Kind == BookmarkKind.Signal);
        engine.Store.Journal.Should().Contain(j => j.ActivityId == "no_request");
        engine.OpenTask("work").DueAt.Should().Be(Beijing(3, 10));
        (await engine.Runner().SignalAsync(instance.Id, "extend", new JsonObject(), "lead", CancellationToken.None)).Should().Be(0);
    }
}
