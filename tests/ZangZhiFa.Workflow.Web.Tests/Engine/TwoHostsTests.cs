using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Scheduling;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Engine;

/// <summary>
/// Pitfall "duplicate firing in a cluster": two hosts on one database, each with its own scheduler reading the
/// same trigger tables. Whichever fires a timer, its effect happens once.
/// </summary>
public sealed class TwoHostsTests
{
    [Fact]
    public async Task Timer_TakesEffectOnce_WhenTwoHostsShareTheDatabase()
    {
        var data = Directory.CreateTempSubdirectory("zzf-two-").FullName;
        var time = new FakeTimeProvider(WorkflowHost.Monday0900);
        await using (var a = new WorkflowHost(data, time))
        await using (var b = new WorkflowHost(data, time))
        {
            using var clientA = a.CreateClient();
            using var clientB = b.CreateClient();
            var probeA = await FiringProbe.AttachAsync(a.Services);
            var probeB = await FiringProbe.AttachAsync(b.Services);

            var instanceId = await a.InScopeAsync(async sp =>
            {
                var inputs = new JsonObject { ["caseTitle"] = "双机测试", ["unitCode"] = "540102", ["applicantEmail"] = "" };
                var instance = await sp.GetRequiredService<WorkflowRunner>().StartAsync("demo-supervision", inputs, null, CancellationToken.None);
                await sp.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);
                return instance.Id;
            });
            await a.Services.GetRequiredService<TimerOutboxDispatcher>().DispatchAsync(CancellationToken.None);
            var timers = await a.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Bookmarks.AsNoTracking()
                .Where(t => t.InstanceId == instanceId && t.Kind == BookmarkKind.Timer).Select(t => t.Id).ToListAsync());
            timers.Should().HaveCount(3, "two reminders and the deadline");

            time.Advance(TimeSpan.FromDays(8.1));
            // Both nodes fire every timer at the same moment, as two schedulers that both acquired the trigger
            // would — while Quartz itself may fire it too. Exactly one firing of each may take effect.
            var scopesA = a.Services.GetRequiredService<IServiceScopeFactory>();
            var scopesB = b.Services.GetRequiredService<IServiceScopeFactory>();
            foreach (var id in timers)
            {
                var results = await Task.WhenAll(
                    ResumeBookmarkJob.FireAsync(scopesA, id, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None),
                    ResumeBookmarkJob.FireAsync(scopesB, id, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None));
                results.Count(fired => fired).Should().BeLessThanOrEqualTo(1);
            }

            // Each trigger goes once Quartz has fired it or the dispatcher has dropped it (a manual firing removed
            // its bookmark); only then can no further firing come. Bounded, so a stuck scheduler fails the test.
            var scheduler = await a.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            foreach (var id in timers)
            {
                while (await scheduler.Exists(TimerOutboxDispatcher.TriggerKeyFor(id), deadline.Token))
                {
                    await Task.WhenAny(probeA.WaitForAsync(probeA.Fired.Count + 1, 1), probeB.WaitForAsync(probeB.Fired.Count + 1, 1))
                        .WaitAsync(deadline.Token);
                }
            }

            await a.InScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<WorkflowDbContext>();
                (await db.Notices.CountAsync(n => n.InstanceId == instanceId)).Should().Be(1, "one 督办通知书, however many hosts fired the deadline");
                (await db.Tasks.SingleAsync(t => t.InstanceId == instanceId && t.Status == WorkflowTaskStatus.Open)).EscalationLevel.Should().Be(1);
                (await db.Mails.CountAsync(m => m.InstanceId == instanceId && m.Subject.StartsWith("【办理提醒】"))).Should().Be(2, "each reminder mailed once");
            });
        }

        WorkflowHost.DeleteData(data);
    }
}
