using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Supervisors;

/// <summary>
/// <c>workflows/supervisor-assignment.json</c> with the real <c>supervisors.pick</c> service over the demo pool:
/// 次仁央宗 (region), 格桑多吉 and 王建华 (拉萨), and 拉巴卓玛, who works at 城关区城管执法局 — the respondent here.
/// </summary>
public sealed class SupervisorAssignmentTests : IAsyncLifetime
{
    private static readonly string[] Eligible = ["supervisor", "supervisor.lasa1", "supervisor.lasa2"];

    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<Guid> StartAsync() =>
        _host.InScopeAsync(async sp =>
        {
            var inputs = new JsonObject
            {
                ["caseNumber"] = "TS-2026-000077",
                ["caseTitle"] = "城管执法人员野蛮执法投诉",
                ["unitCode"] = "540102",
                ["respondentUnitCode"] = "540102-cgzf",
            };
            var instance = await sp.GetRequiredService<WorkflowRunner>().StartAsync("supervisor-assignment", inputs, new StartOptions("TS-2026-000077", "lead.chengguan"), CancellationToken.None);
            await sp.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);
            return instance.Id;
        });

    private Task<List<WorkflowTask>> OpenTasksAsync(Guid id) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Tasks.AsNoTracking().Where(t => t.InstanceId == id && t.Status == WorkflowTaskStatus.Open).ToListAsync());

    private Task<List<string?>> JournalAsync(Guid id, string activityId) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking().Where(j => j.InstanceId == id && j.ActivityId == activityId).OrderBy(j => j.Sequence).Select(j => j.Summary).ToListAsync());

    private async Task<HttpClient> SignedInAsync(string userName)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password = "Demo#2026" })).StatusCode.Should().Be(HttpStatusCode.OK);
        return client;
    }

    private async Task CompleteAsync(string userName, Guid taskId, string outcome, object fields)
    {
        using var client = await SignedInAsync(userName);
        var response = await client.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, fields });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pick_InvitesAnEligibleSupervisor_AndJournalsTheChancesAndTheRecusal()
    {
        var id = await StartAsync();

        var invite = (await OpenTasksAsync(id)).Single(t => t.ActivityId == "invite");
        invite.AssigneeUser.Should().BeOneOf(Eligible, "拉巴卓玛 works at the respondent unit");
        var line = (await JournalAsync(id, "pick")).Single(s => s!.StartsWith("抽取特邀监督员", StringComparison.Ordinal));
        line.Should().Contain("候选及概率：").And.Contain("次仁央宗（在办 0，33%）").And.Contain("回避/排除：拉巴卓玛：任职于被监督单位");
    }

    [Fact]
    public async Task Decline_DrawsSomeoneElse_AndNeverTheOneWhoDeclined()
    {
        var id = await StartAsync();
        var declined = new List<string>();

        for (var round = 0; round < Eligible.Length; round++)
        {
            var invite = (await OpenTasksAsync(id)).Single(t => t.ActivityId == "invite");
            invite.AssigneeUser.Should().NotBeNull();
            declined.Should().NotContain(invite.AssigneeUser);
            declined.Add(invite.AssigneeUser!);
            await CompleteAsync(invite.AssigneeUser!, invite.Id, "拒绝", new { reason = "近期外出" });
        }

        var left = (await OpenTasksAsync(id)).Single();
        (left.ActivityId, left.AssigneeRole, left.OrgUnitCode).Should().Be(("no_supervisor", "监督科长", "540102"), "everyone eligible declined");
        (await JournalAsync(id, "pick")).Last().Should().StartWith("无可选的特邀监督员");
    }

    [Fact]
    public async Task Accept_CollectsTheOpinion_AndTheHandlingUnitMustAnswerIt()
    {
        var id = await StartAsync();
        var invite = (await OpenTasksAsync(id)).Single(t => t.ActivityId == "invite");
        var supervisor = invite.AssigneeUser!;

        await CompleteAsync(supervisor, invite.Id, "接受", new { });
        var opinion = (await OpenTasksAsync(id)).Single();
        (opinion.ActivityId, opinion.AssigneeUser).Should().Be(("opinion", supervisor));
        await CompleteAsync(supervisor, opinion.Id, "提交意见", new { opinion = "建议调取执法记录仪全程视频" });

        var reply = (await OpenTasksAsync(id)).Single();
        (reply.ActivityId, reply.AssigneeRole, reply.OrgUnitCode).Should().Be(("reply", "承办人", "540102"));
        using var other = await SignedInAsync(Eligible.First(e => e != supervisor));
        var tasks = (await other.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray();
        tasks.Should().BeEmpty("another supervisor sees nothing of this case");
    }

    [Fact]
    public async Task Invitation_PassesToSomeoneElse_WhenNotAnsweredWithinThreeWorkingDays()
    {
        var probe = await FiringProbe.AttachAsync(_host.Services);
        var id = await StartAsync();
        var first = (await OpenTasksAsync(id)).Single(t => t.ActivityId == "invite");

        _host.Time.Advance(TimeSpan.FromDays(4)); // Monday 2 March 09:00 → past the end of Thursday 5 March
        await probe.WaitForAsync(1);

        var second = (await OpenTasksAsync(id)).Single(t => t.ActivityId == "invite");
        second.Id.Should().NotBe(first.Id, "the lapsed invitation was withdrawn");
        second.AssigneeUser.Should().NotBe(first.AssigneeUser).And.BeOneOf(Eligible);
        var state = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Tasks.AsNoTracking().SingleAsync(t => t.Id == first.Id));
        state.Status.Should().NotBe(WorkflowTaskStatus.Open);
    }
}
