using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Runtime;

/// <summary>
/// One test per failure mode users of other workflow engines reported (shared/engine-pitfalls.md).
/// Persistence-level pitfalls (restart, concurrency, half-written saves) are in the infrastructure and web tests.
/// </summary>
public sealed class EnginePitfallTests
{
    private static string ThreeTaskFork(string mode) => $$"""
    {
      "id": "fork3", "name": "三路并行", "version": 1,
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "split", "type": "Fork", "properties": { "branches": ["a", "b", "c"] } },
        { "id": "taskA", "type": "HumanTask", "properties": { "title": "A", "assignee": { "role": "承办人" }, "outcomes": ["完成"] } },
        { "id": "taskB", "type": "HumanTask", "properties": { "title": "B", "assignee": { "role": "承办人" }, "outcomes": ["完成"] } },
        { "id": "taskC", "type": "HumanTask", "properties": { "title": "C", "assignee": { "role": "承办人" }, "outcomes": ["完成"], "deadline": { "days": 3 } } },
        { "id": "overdueC", "type": "End", "properties": {} },
        { "id": "merge", "type": "Join", "properties": { "mode": "{{mode}}" } },
        { "id": "after", "type": "HumanTask", "properties": { "title": "汇总后", "assignee": { "role": "监督科长" }, "outcomes": ["办结"] } },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "split" },
        { "from": "split", "outcome": "a", "to": "taskA" },
        { "from": "split", "outcome": "b", "to": "taskB" },
        { "from": "split", "outcome": "c", "to": "taskC" },
        { "from": "taskA", "outcome": "完成", "to": "merge" },
        { "from": "taskB", "outcome": "完成", "to": "merge" },
        { "from": "taskC", "outcome": "完成", "to": "merge" },
        { "from": "taskC", "outcome": "超期", "to": "overdueC" },
        { "from": "merge", "outcome": "done", "to": "after" },
        { "from": "after", "outcome": "办结", "to": "end" }
      ]
    }
    """;

    [Fact]
    public async Task JoinAll_WaitsForEveryBranch_WhenTwoOfThreeAreDone()
    {
        var engine = new EngineHarness(ThreeTaskFork("all"));
        var instance = await engine.StartAsync("fork3");

        await engine.CompleteAsync(engine.OpenTask("taskA"), "完成");
        await engine.CompleteAsync(engine.OpenTask("taskC"), "完成");

        engine.OpenTasks().Select(t => t.ActivityId).Should().BeEquivalentTo(["taskB"]);

        await engine.CompleteAsync(engine.OpenTask("taskB"), "完成");

        engine.OpenTasks().Select(t => t.ActivityId).Should().Equal("after");
        engine.Store.Journal.Count(j => j.ActivityId == "merge" && j.Event == "executed" && j.Outcome == "done").Should().Be(1);
        engine.Instance(instance.Id).Status.Should().Be(WorkflowStatus.Suspended);
    }

    [Fact]
    public async Task Join_ContinuesExactlyOnce_WhenAllBranchesFinishInTheSameRun()
    {
        var engine = new EngineHarness("""
        {
          "id": "instant-fork", "name": "同一事务内完成的并行", "version": 1,
          "activities": [
            { "id": "start", "type": "Start", "properties": {} },
            { "id": "split", "type": "Fork", "properties": { "branches": ["x", "y", "z"] } },
            { "id": "setX", "type": "SetVariables", "properties": { "assign": { "x": "1" } } },
            { "id": "setY", "type": "SetVariables", "properties": { "assign": { "y": "2" } } },
            { "id": "setZ", "type": "SetVariables", "properties": { "assign": { "z": "3" } } },
            { "id": "merge", "type": "Join", "properties": { "mode": "all" } },
            { "id": "sum", "type": "SetVariables", "properties": { "assign": { "total": "(total ?? 0) + x + y + z" } } },
            { "id": "after", "type": "HumanTask", "properties": { "title": "合计 {{ total }}", "assignee": { "role": "承办人" }, "outcomes": ["好"] } },
            { "id": "end", "type": "End", "properties": {} }
          ],
          "variables": [ { "name": "total", "type": "number" }, { "name": "x", "type": "number" }, { "name": "y", "type": "number" }, { "name": "z", "type": "number" } ],
          "connections": [
            { "from": "start", "outcome": "done", "to": "split" },
            { "from": "split", "outcome": "x", "to": "setX" },
            { "from": "split", "outcome": "y", "to": "setY" },
            { "from": "split", "outcome": "z", "to": "setZ" },
            { "from": "setX", "outcome": "done", "to": "merge" },
            { "from": "setY", "outcome": "done", "to": "merge" },
            { "from": "setZ", "outcome": "done", "to": "merge" },
            { "from": "merge", "outcome": "done", "to": "sum" },
            { "from": "sum", "outcome": "done", "to": "after" },
            { "from": "after", "outcome": "好", "to": "end" }
          ]
        }
        """);

        await engine.StartAsync("instant-fork");

        var after = engine.OpenTasks().Should().ContainSingle().Subject;
        after.Title.Should().Be("合计 6", "the step after the join ran once, so the total was added once");
    }

    [Fact]
    public async Task JoinAny_CancelsTheOtherBranchesTasksAndTimers_WhenTheFirstArrives()
    {
        var engine = new EngineHarness(ThreeTaskFork("any"));
        var instance = await engine.StartAsync("fork3");
        engine.Store.Bookmarks.Should().Contain(b => b.Kind == BookmarkKind.Timer, "task C has a deadline timer");

        await engine.CompleteAsync(engine.OpenTask("taskB"), "完成");

        engine.Store.Tasks.Single(t => t.ActivityId == "taskA").Status.Should().Be(WorkflowTaskStatus.Cancelled);
        engine.Store.Tasks.Single(t => t.ActivityId == "taskC").Status.Should().Be(WorkflowTaskStatus.Cancelled);
        engine.Store.Bookmarks.Where(b => b.InstanceId == instance.Id).Should().ContainSingle()
            .Which.ActivityId.Should().Be("after", "only the task after the join is still waiting; no timer of the losing branch remains");
        (await engine.AdvanceAsync(TimeSpan.FromDays(10))).Should().Be(0);
        engine.OpenTasks().Select(t => t.ActivityId).Should().Equal("after");
    }

    [Fact]
    public async Task ParallelTimers_EachFireOnceAndTheFlowProceeds_WhenTheirLengthsDiffer()
    {
        var engine = new EngineHarness("""
        {
          "id": "two-timers", "name": "两个并行定时", "version": 1,
          "activities": [
            { "id": "start", "type": "Start", "properties": {} },
            { "id": "split", "type": "Fork", "properties": { "branches": ["short", "long"] } },
            { "id": "wait1h", "type": "Timer", "properties": { "duration": "PT1H" } },
            { "id": "wait3h", "type": "Timer", "properties": { "duration": "PT3H" } },
            { "id": "merge", "type": "Join", "properties": { "mode": "all" } },
            { "id": "after", "type": "HumanTask", "properties": { "title": "定时后", "assignee": { "role": "承办人" }, "outcomes": ["好"] } },
            { "id": "end", "type": "End", "properties": {} }
          ],
          "connections": [
            { "from": "start", "outcome": "done", "to": "split" },
            { "from": "split", "outcome": "short", "to": "wait1h" },
            { "from": "split", "outcome": "long", "to": "wait3h" },
            { "from": "wait1h", "outcome": "done", "to": "merge" },
            { "from": "wait3h", "outcome": "done", "to": "merge" },
            { "from": "merge", "outcome": "done", "to": "after" },
            { "from": "after", "outcome": "好", "to": "end" }
          ]
        }
        """);
        await engine.StartAsync("two-timers");

        (await engine.AdvanceAsync(TimeSpan.FromHours(1))).Should().Be(1);
        engine.OpenTasks().Should().BeEmpty();
        (await engine.AdvanceAsync(TimeSpan.FromHours(2))).Should().Be(1);
        (await engine.AdvanceAsync(TimeSpan.FromHours(5))).Should().Be(0, "both timers are gone once fired");

        engine.OpenTasks().Select(t => t.ActivityId).Should().Equal("after");
        engine.Store.Bookmarks.Should().NotContain(b => b.Kind == BookmarkKind.Timer);
    }

    private const string Child = """
    {
      "id": "child", "name": "子流程", "version": 1,
      "variables": [ { "name": "how", "type": "string" }, { "name": "result", "type": "string" } ],
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "route", "type": "Decision", "properties": { "cases": [ { "when": "how == 'timer'", "outcome": "timer" } ], "otherwise": "task" } },
        { "id": "work", "type": "HumanTask", "properties": { "title": "子任务", "assignee": { "role": "承办人" }, "outcomes": ["完成"] } },
        { "id": "wait", "type": "Timer", "properties": { "workingDays": 2 } },
        { "id": "byTask", "type": "SetVariables", "properties": { "assign": { "result": "'任务完成'" } } },
        { "id": "byTimer", "type": "SetVariables", "properties": { "assign": { "result": "'定时完成'" } } },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "route" },
        { "from": "route", "outcome": "task", "to": "work" },
        { "from": "route", "outcome": "timer", "to": "wait" },
        { "from": "work", "outcome": "完成", "to": "byTask" },
        { "from": "wait", "outcome": "done", "to": "byTimer" },
        { "from": "byTask", "outcome": "done", "to": "end" },
        { "from": "byTimer", "outcome": "done", "to": "end" }
      ]
    }
    """;

    private const string Parent = """
    {
      "id": "parent", "name": "父流程", "version": 1,
      "variables": [ { "name": "how", "type": "string" } ],
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "sub", "type": "StartSubflow", "properties": { "definition": "child", "inputs": { "how": "how" }, "wait": true } },
        { "id": "next", "type": "HumanTask", "properties": { "title": "子流程结果：{{ sub.result }}", "assignee": { "role": "监督科长" }, "outcomes": ["好"] } },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "sub" },
        { "from": "sub", "outcome": "done", "to": "next" },
        { "from": "next", "outcome": "好", "to": "end" }
      ]
    }
    """;

    [Fact]
    public async Task Subflow_ResumesParentInTheSameUnitOfWork_WhenChildEndsWithItsLastTask()
    {
        var engine = new EngineHarness(Child, Parent);
        var parent = await engine.StartAsync("parent", new JsonObject { ["how"] = "task" });
        var commitsBefore = engine.Store.Commits;

        await engine.CompleteAsync(engine.OpenTask("work"), "完成");

        engine.Store.Commits.Should().Be(commitsBefore + 1);
        engine.OpenTask("next").Title.Should().Be("子流程结果：任务完成");
        engine.Store.Instances.Single(i => i.ParentInstanceId == parent.Id).Status.Should().Be(WorkflowStatus.Completed);
    }

    [Fact]
    public async Task Subflow_ResumesParent_WhenChildEndsByTimer()
    {
        var engine = new EngineHarness(Child, Parent);
        await engine.StartAsync("parent", new JsonObject { ["how"] = "timer" });
        engine.OpenTasks().Should().BeEmpty();

        (await engine.AdvanceAsync(TimeSpan.FromDays(4))).Should().Be(1);

        engine.OpenTask("next").Title.Should().Be("子流程结果：定时完成");
    }

    [Fact]
    public async Task StuckBookmarks_NoneRemain_WhenTheInstanceCompletes()
    {
        var engine = new EngineHarness(ThreeTaskFork("all"));
        var instance = await engine.StartAsync("fork3");
        foreach (var activity in new[] { "taskA", "taskB", "taskC", "after" })
        {
            await engine.CompleteAsync(engine.OpenTask(activity), activity == "after" ? "办结" : "完成");
        }

        engine.Instance(instance.Id).Status.Should().Be(WorkflowStatus.Completed);
        engine.Store.Bookmarks.Where(b => b.InstanceId == instance.Id).Should().BeEmpty();
        engine.OpenTasks(instance.Id).Should().BeEmpty();
    }

    [Fact]
    public async Task StuckBookmarks_NoneRemain_WhenTheInstanceIsCancelled()
    {
        var engine = new EngineHarness(Child, Parent);
        var parent = await engine.StartAsync("parent", new JsonObject { ["how"] = "timer" });

        await engine.Runner().CancelAsync(parent.Id, "lead", "当事人撤回", CancellationToken.None);
        await engine.Store.SaveChangesAsync(CancellationToken.None);

        engine.Store.Bookmarks.Should().BeEmpty("the parent's subflow wait and the child's timer both go");
        engine.Store.Instances.Should().OnlyContain(i => i.Status == WorkflowStatus.Cancelled);
        (await engine.AdvanceAsync(TimeSpan.FromDays(10))).Should().Be(0);
    }
}
