using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Scheduling;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Engine;

/// <summary>
/// The demo flow on the real host: SQLite files, Quartz firing on the (fake) clock, notices from the shipped
/// templates and mail delivered to an SMTP server running in the test process.
/// </summary>
public sealed class DemoFlowTests : IAsyncLifetime
{
    private InProcessSmtpServer _smtp = null!;

    public async Task InitializeAsync() => _smtp = await InProcessSmtpServer.StartAsync();

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    private static JsonObject Inputs() => new()
    {
        ["caseTitle"] = "反映城管执法人员野蛮执法",
        ["unitCode"] = "540102",
        ["applicantName"] = "卓玛",
        ["applicantEmail"] = "zhuoma@example.test",
    };

    private static async Task<Guid> StartAsync(WorkflowHost host) =>
        await host.InScopeAsync(async sp =>
        {
            var instance = await sp.GetRequiredService<WorkflowRunner>().StartAsync("demo-supervision", Inputs(), new StartOptions("DEMO-0001", "clerk"), CancellationToken.None);
            await sp.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);
            return instance.Id;
        });

    private static Task<List<WorkflowTask>> OpenTasksAsync(WorkflowHost host, Guid instanceId) =>
        host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Tasks.AsNoTracking()
            .Where(t => t.InstanceId == instanceId && t.Status == WorkflowTaskStatus.Open).ToListAsync());

    private static Task CompleteAsync(WorkflowHost host, Guid taskId, string outcome, JsonObject? fields = null, string actor = "clerk") =>
        host.InScopeAsync(async sp =>
        {
            await sp.GetRequiredService<WorkflowRunner>().CompleteTaskAsync(taskId, new ResumeInput(actor, outcome, null, fields), CancellationToken.None);
            await sp.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);
        });

    [Fact]
    public async Task DemoFlow_RunsEndToEnd_WithEscalationByTimerAndMailDelivered()
    {
        await using var host = new WorkflowHost(smtpPort: _smtp.Port);
        using var client = host.CreateClient();
        var probe = await FiringProbe.AttachAsync(host.Services);

        var instanceId = await StartAsync(host);
        var review = (await OpenTasksAsync(host, instanceId)).Should().ContainSingle().Subject;
        review.ActivityId.Should().Be("review");

        await CompleteAsync(host, review.Id, "受理");
        var parallel = await OpenTasksAsync(host, instanceId);
        parallel.Select(t => t.ActivityId).Should().BeEquivalentTo(["investigate", "legal"], "the next tasks were committed with the completion");

        await CompleteAsync(host, parallel.Single(t => t.ActivityId == "legal").Id, "同意", actor: "reviewer");
        var investigateId = parallel.Single(t => t.ActivityId == "investigate").Id;
        var deadline = await host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Bookmarks.AsNoTracking()
            .Where(b => b.TaskId == investigateId && b.Name == "deadline").Select(b => b.Id).SingleAsync());
        host.Time.Advance(TimeSpan.FromDays(31));
        await probe.WaitForBookmarkAsync(deadline);

        var notices = await host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Notices.AsNoTracking().Where(n => n.InstanceId == instanceId).ToListAsync());
        notices.Should().ContainSingle(n => n.Title == "督办通知书").Which.Html.Should().Contain("拉萨市司法局");
        var supervisionMail = await _smtp.WaitForMessageAsync(m => m.Subject!.StartsWith("【督办通知书】", StringComparison.Ordinal));
        supervisionMail.To.ToString().Should().Contain("handler.lasa@demo.zangzhifa.local");

        var investigate = (await OpenTasksAsync(host, instanceId)).Should().ContainSingle().Subject;
        await CompleteAsync(host, investigate.Id, "完成", new JsonObject { ["verdict"] = "属实", ["facts"] = "执法人员未出示证件即扣押物品" }, "handler");

        var resultMail = await _smtp.WaitForMessageAsync(m => m.Subject == "处理结果告知书");
        resultMail.To.ToString().Should().Contain("zhuoma@example.test");
        resultMail.HtmlBody.Should().Contain("属实").And.Contain("卓玛");
        var instance = await host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId));
        instance.Status.Should().Be(WorkflowStatus.Completed);
        (await host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Bookmarks.CountAsync(b => b.InstanceId == instanceId))).Should().Be(0);
        var tasks = await host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Tasks.AsNoTracking().Where(t => t.InstanceId == instanceId).ToListAsync());
        tasks.Should().OnlyContain(t => t.Status == WorkflowTaskStatus.Completed, "ending the instance must not turn done tasks into cancelled ones");
    }

    [Fact]
    public async Task Timer_FiresAgainLater_WhenItsFiringFailed()
    {
        await using var host = new WorkflowHost();
        using var client = host.CreateClient();
        var probe = await FiringProbe.AttachAsync(host.Services);
        var instanceId = await StartAsync(host);
        await CompleteAsync(host, (await OpenTasksAsync(host, instanceId)).Single().Id, "受理");
        var investigateId = (await OpenTasksAsync(host, instanceId)).Single(t => t.ActivityId == "investigate").Id;
        var deadline = await host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Bookmarks.AsNoTracking()
            .Where(b => b.TaskId == investigateId && b.Name == "deadline").Select(b => b.Id).SingleAsync());
        // A fault in the step the timer resumes: the instance's state cannot be read.
        var state = await SetStateJsonAsync(host, instanceId, "{ broken");

        host.Time.Advance(TimeSpan.FromDays(31));
        await probe.WaitForBookmarkAsync(deadline);

        (await SupervisionNoticesAsync(host, instanceId)).Should().Be(0, "the firing failed and changed nothing");
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var retry = await scheduler.GetTrigger(TimerOutboxDispatcher.TriggerKeyFor(deadline));
        retry.Should().NotBeNull("a failed firing must not lose the 督办 timer");
        retry!.StartTimeUtc.Should().Be(host.Time.GetUtcNow() + ResumeBookmarkJob.FirstRetryDelay);
        retry.JobDataMap.GetInt(ResumeBookmarkJob.FailedKey).Should().Be(1);

        await SetStateJsonAsync(host, instanceId, state);
        host.Time.Advance(ResumeBookmarkJob.FirstRetryDelay);
        await probe.WaitForBookmarkAsync(deadline, times: 2);

        (await SupervisionNoticesAsync(host, instanceId)).Should().Be(1, "the retry fired the escalation");
        (await scheduler.Exists(TimerOutboxDispatcher.TriggerKeyFor(deadline))).Should().BeFalse("a firing that worked is not retried");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(40, 60)]
    public void RetryDelay_DoublesFromOneMinuteUpToAnHour(int failed, int minutes) =>
        ResumeBookmarkJob.RetryDelay(failed).Should().Be(TimeSpan.FromMinutes(minutes));

    private static Task<string> SetStateJsonAsync(WorkflowHost host, Guid instanceId, string state) =>
        host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var instance = await db.Instances.SingleAsync(i => i.Id == instanceId);
            var before = instance.StateJson;
            instance.StateJson = state;
            instance.Revision++;
            await db.SaveChangesAsync();
            return before;
        });

    private static Task<int> SupervisionNoticesAsync(WorkflowHost host, Guid instanceId) =>
        host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Notices.CountAsync(n => n.InstanceId == instanceId && n.Title == "督办通知书"));

    [Fact]
    public async Task Dispatch_FiresTimerAtOnce_WhenItReachesTheSchedulerAlreadyOverdue()
    {
        // E.g. the outbox row of a commit made just before a long pause; Quartz would file it as misfired.
        await using var host = new WorkflowHost();
        using var client = host.CreateClient();
        var probe = await FiringProbe.AttachAsync(host.Services);
        var bookmarkId = Guid.NewGuid();
        await host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            db.TimerCommands.Add(new TimerCommand
            {
                ChangesJson = System.Text.Json.JsonSerializer.Serialize(new[] { new TimerChange(bookmarkId, host.Time.GetUtcNow().AddDays(-1)) }),
                CreatedAt = host.Time.GetUtcNow(),
            });
            await db.SaveChangesAsync();
        });

        await host.Services.GetRequiredService<TimerOutboxDispatcher>().DispatchAsync(CancellationToken.None);

        await probe.WaitForAsync(1);
        probe.Fired.Should().Contain(bookmarkId);
    }

    [Fact]
    public async Task Dispatch_SchedulesEveryTimerOfABatch_AndATimerCancelledLaterInTheBatchStaysCancelled()
    {
        await using var host = new WorkflowHost();
        using var client = host.CreateClient();
        var (kept, cancelled, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var now = host.Time.GetUtcNow();
        await host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            db.TimerCommands.Add(new TimerCommand
            {
                ChangesJson = System.Text.Json.JsonSerializer.Serialize(new[] { new TimerChange(kept, now.AddDays(1)), new TimerChange(cancelled, now.AddDays(2)) }),
                CreatedAt = now,
            });
            db.TimerCommands.Add(new TimerCommand
            {
                ChangesJson = System.Text.Json.JsonSerializer.Serialize(new[] { new TimerChange(cancelled, null), new TimerChange(other, now.AddDays(3)) }),
                CreatedAt = now,
            });
            await db.SaveChangesAsync();
        });

        await host.Services.GetRequiredService<TimerOutboxDispatcher>().DispatchAsync(CancellationToken.None);

        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        (await scheduler.GetTrigger(TimerOutboxDispatcher.TriggerKeyFor(kept)))!.StartTimeUtc.Should().Be(now.AddDays(1));
        (await scheduler.GetTrigger(TimerOutboxDispatcher.TriggerKeyFor(other)))!.StartTimeUtc.Should().Be(now.AddDays(3));
        (await scheduler.Exists(TimerOutboxDispatcher.TriggerKeyFor(cancelled))).Should().BeFalse("its later change in the same batch cancelled it");
        (await host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().TimerCommands.CountAsync())).Should().Be(0);

        // The scheduler's file runs in WAL mode: one log flush per commit instead of a journal file made and deleted.
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "scheduler.db")};Pooling=False");
        await connection.OpenAsync();
        await using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        (await mode.ExecuteScalarAsync()).Should().Be("wal");
    }

    [Fact]
    public async Task Restart_FiresTimersThatFellDueWhileDown_OnceAndNeverAgain()
    {
        var data = Directory.CreateTempSubdirectory("zzf-restart-").FullName;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(WorkflowHost.Monday0900);
        Guid instanceId;
        await using (var first = new WorkflowHost(data, time, _smtp.Port))
        {
            using var client = first.CreateClient();
            instanceId = await StartAsync(first);
            await first.Services.GetRequiredService<TimerOutboxDispatcher>().DispatchAsync(CancellationToken.None);
        }

        time.Advance(TimeSpan.FromDays(8.1)); // past both reminders and the 5-working-day deadline, while no host runs

        List<Guid> firedAfterRestart;
        await using (var second = new WorkflowHost(data, time, _smtp.Port))
        {
            var probe = await FiringProbe.AttachAsync(second.Services);
            using var client = second.CreateClient();
            await probe.WaitForAsync(3);
            firedAfterRestart = [.. probe.Fired];

            var task = (await OpenTasksAsync(second, instanceId)).Single();
            task.OrgUnitCode.Should().Be("540100", "the overdue review was escalated to 拉萨市司法局 at start-up");
        }

        await using (var third = new WorkflowHost(data, time, _smtp.Port))
        {
            using var client = third.CreateClient();
            // The re-armed deadline's outbox row may still be pending if the second host stopped right after the
            // escalation; the start-up dispatch runs in the background, so drain it before looking at Quartz.
            await third.Services.GetRequiredService<TimerOutboxDispatcher>().DispatchAsync(CancellationToken.None);
            var scheduler = await third.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            var timers = await third.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Bookmarks.AsNoTracking()
                .Where(b => b.Kind == BookmarkKind.Timer).Select(b => b.Id).ToListAsync());
            timers.Should().ContainSingle("the escalation set a new deadline");
            (await scheduler.Exists(TimerOutboxDispatcher.TriggerKeyFor(timers[0]))).Should().BeTrue();
            foreach (var fired in firedAfterRestart)
            {
                (await scheduler.Exists(TimerOutboxDispatcher.TriggerKeyFor(fired))).Should().BeFalse("a fired timer leaves no trigger behind to fire again");
            }

            foreach (var fired in firedAfterRestart)
            {
                (await ResumeBookmarkJob.FireAsync(third.Services.GetRequiredService<IServiceScopeFactory>(), fired, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None))
                    .Should().BeFalse("a replayed firing of a used timer changes nothing");
            }

            var escalations = await third.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Notices.CountAsync(n => n.InstanceId == instanceId));
            escalations.Should().Be(1);
        }

        WorkflowHost.DeleteData(data);
    }

    [Fact]
    public async Task CompleteTask_OneWinsAndTheOtherGetsAConflict_WhenTwoUsersCompleteAtOnce()
    {
        await using var host = new WorkflowHost(smtpPort: _smtp.Port);
        using var client = host.CreateClient();
        var instanceId = await StartAsync(host);
        var review = (await OpenTasksAsync(host, instanceId)).Single();

        // Both users load the task before either saves: the classic lost-update race.
        await using var scopeA = host.Services.CreateAsyncScope();
        await using var scopeB = host.Services.CreateAsyncScope();
        await scopeA.ServiceProvider.GetRequiredService<WorkflowRunner>().CompleteTaskAsync(review.Id, new ResumeInput("clerk.a", "受理"), CancellationToken.None);
        await scopeB.ServiceProvider.GetRequiredService<WorkflowRunner>().CompleteTaskAsync(review.Id, new ResumeInput("clerk.b", "受理"), CancellationToken.None);
        await scopeA.ServiceProvider.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);
        var second = () => scopeB.ServiceProvider.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);

        await second.Should().ThrowAsync<ConcurrencyConflictException>();
        var tasks = await host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Tasks.AsNoTracking().Where(t => t.InstanceId == instanceId).ToListAsync());
        tasks.Single(t => t.ActivityId == "review").CompletedBy.Should().Be("clerk.a");
        tasks.Where(t => t.Status == WorkflowTaskStatus.Open).Select(t => t.ActivityId).Should().BeEquivalentTo(["investigate", "legal"],
            "the loser's copies of the next tasks were never written");
    }

    [Fact]
    public async Task Health_ReportsOk_WhenDatabaseAndSchedulerRun()
    {
        await using var host = new WorkflowHost();
        using var client = host.CreateClient();

        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"status\":\"ok\"");
    }
}
