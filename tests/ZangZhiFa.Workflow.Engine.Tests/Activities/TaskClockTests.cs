using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Activities;

/// <summary>
/// Task clocks and <c>ExtendDeadline</c> where the complaint flow does not go: an extension granted while the
/// task is still open, a signal whose timeout is a plain limit, and how a resume moves a deadline counted in
/// working days or in calendar days (the rule is in <see cref="TaskClock"/>'s remarks).
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

    private const string ResumedTask = """
    {
      "id": "resumed", "name": "恢复计时", "version": 1,
      "variables": [ { "name": "clock", "type": "object" } ],
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "work", "type": "HumanTask", "properties": { "title": "办理", "assignee": { "role": "承办人", "orgUnit": "'540102'" }, "outcomes": ["完成"], "deadline": { "workingDays": 5 }, "clock": { "variable": "clock" } } },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "work" },
        { "from": "work", "outcome": "完成", "to": "end" },
        { "from": "work", "outcome": "超期", "to": "end" }
      ]
    }
    """;

    private static readonly IWorkingCalendar Calendar = SharedServices.Calendar;

    private static DateTimeOffset Beijing(int month, int day, int hour = 0) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(8));

    /// <summary>A clock whose limit ends with Monday 9 March (due at 00:00 on the 10th), stopped at <paramref name="stoppedAt"/>.</summary>
    private static TaskClock Stopped(DateTimeOffset stoppedAt, bool inWorkingDays)
    {
        var clock = TaskClock.Start(Beijing(3, 2, 9), Beijing(3, 10), inWorkingDays);
        clock.Stop(stoppedAt);
        return clock;
    }

    [Fact]
    public void Resume_CountsTheWorkingDaysLeftFromTheResumeDay_WhenTheLimitIsInWorkingDays()
    {
        var clock = Stopped(Beijing(3, 4, 10), inWorkingDays: true);

        clock.Resume(Beijing(3, 9, 15), Calendar);

        clock.DueAt.Should().Be(Beijing(3, 13), "Wednesday 4 was used; Thursday 5, Friday 6 and Monday 9 were left, counted on from Monday 9: Tuesday, Wednesday, Thursday");
        clock.IsRunning.Should().BeTrue();
        clock.ActiveSince.Should().Be(Beijing(3, 2, 9) + TimeSpan.FromDays(3), "pausedTotal is how far the deadline moved, so reminders keep the whole limit's span");
    }

    [Fact]
    public void Resume_LeavesTheDeadline_WhenStoppedAndResumedOnTheSameDay()
    {
        var clock = Stopped(Beijing(3, 4, 10), inWorkingDays: true);

        (clock.Resume(Beijing(3, 4, 11), Calendar)).Should().Be(TimeSpan.Zero);

        clock.DueAt.Should().Be(Beijing(3, 10));
    }

    [Fact]
    public void Resume_EndsOnAWorkingDay_WhenTheMaterialComesOnASaturday()
    {
        var clock = Stopped(Beijing(3, 5, 10), inWorkingDays: true);

        clock.Resume(Beijing(3, 7, 10), Calendar);

        clock.DueAt.Should().Be(Beijing(3, 11), "Friday 6 and Monday 9 were left; from Saturday they are Monday 9 and Tuesday 10");
    }

    [Fact]
    public void Resume_GivesTheRestOfTheResumeDay_WhenStoppedOnTheLastDay()
    {
        var clock = Stopped(Beijing(3, 9, 15), inWorkingDays: true);

        clock.Resume(Beijing(3, 11, 10), Calendar);

        clock.DueAt.Should().Be(Beijing(3, 12), "nothing was left but the rest of Monday 9: the work has until the end of Wednesday 11");
    }

    [Fact]
    public void Resume_GivesTheNextWorkingDay_WhenStoppedOnTheLastDayAndResumedOnASunday()
    {
        var clock = Stopped(Beijing(3, 9, 15), inWorkingDays: true);

        clock.Resume(Beijing(3, 15, 10), Calendar);

        clock.DueAt.Should().Be(Beijing(3, 17), "a deadline never ends a Sunday: the end of Monday 16 March");
    }

    [Fact]
    public void Resume_KeepsTheDeadline_WhenTheClockWasAlreadyOverdueWhenStopped()
    {
        var clock = Stopped(Beijing(3, 11, 10), inWorkingDays: true);

        clock.Resume(Beijing(3, 13, 10), Calendar);

        clock.DueAt.Should().Be(Beijing(3, 10), "a stop does not cure an overdue limit");
    }

    [Theory]
    [InlineData(11, 4, 10)] // stopped and resumed on Wednesday 4 March: an hour moves nothing
    [InlineData(11, 7, 13)] // resumed on Saturday 7 March, three days on: three days later
    public void Resume_CountsTheDaysLeft_WhenTheLimitIsInCalendarDays(int resumeHour, int resumeDay, int dueDay)
    {
        var clock = Stopped(Beijing(3, 4, 10), inWorkingDays: false);

        clock.Resume(Beijing(3, resumeDay, resumeHour), Calendar);

        clock.DueAt.Should().Be(Beijing(3, dueDay), "a day limit ends at the close of a day, however long the stop lasted within one");
    }

    [Fact]
    public void Resume_MovesTheDeadlineByTheTimeStoodStill_WhenTheLimitIsADuration()
    {
        var clock = TaskClock.Start(Beijing(3, 4, 9), Beijing(3, 4, 13), inWorkingDays: false);
        clock.Stop(Beijing(3, 4, 10));

        clock.Resume(Beijing(3, 4, 11), Calendar);

        clock.DueAt.Should().Be(Beijing(3, 4, 14));
    }

    [Fact]
    public void Read_KeepsHowTheLimitIsCounted_WhenTheClockIsStoredAndReadBack()
    {
        var clock = Stopped(Beijing(3, 4, 10), inWorkingDays: true);

        var json = clock.ToJson(Calendar);
        var read = TaskClock.Read(json, "clock")!;

        json["inWorkingDays"]!.GetValue<bool>().Should().BeTrue();
        (read.InWorkingDays, read.PausedAt, read.DueAt).Should().Be((true, Beijing(3, 4, 10), Beijing(3, 10)));
    }

    [Fact]
    public async Task HumanTask_ResumesAClockStoredWithoutItsCounting_InTheWorkingDaysItsDeadlineNames()
    {
        var engine = new EngineHarness(ResumedTask);
        engine.Time.SetUtcNow(Beijing(3, 9, 10));
        var stored = new JsonObject
        {
            ["startedAt"] = "2026-03-02T09:00:00+08:00",
            ["dueAt"] = "2026-03-10T00:00:00+08:00",
            ["pausedAt"] = "2026-03-04T10:00:00+08:00",
            ["pausedTotal"] = "PT0S",
        };

        await engine.StartAsync("resumed", new JsonObject { ["clock"] = stored });

        engine.OpenTask("work").DueAt.Should().Be(Beijing(3, 13), "a clock stored before inWorkingDays was recorded takes the task's { workingDays: 5 }");
    }

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
