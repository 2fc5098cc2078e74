using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Attachments.Uploads;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Cases;

/// <summary>
/// An invited supervisor (特邀监督员) sees only the cases drawn for them, through every door of a case: the case API and
/// page, its attachments, its notices, its tasks, the inbox. The demo pool's accounts sit in 拉萨市司法局 (540100)
/// and the region's 司法厅 (540000), whose staff see every complaint against 城关区城管执法局 below them; the
/// supervisors must not. 拉巴卓玛 (<c>supervisor.lasa3</c>) works at the respondent and is never drawn.
/// </summary>
public sealed class InvitedSupervisorScopeTests : IAsyncLifetime
{
    private static readonly string[] Pool = ["supervisor", "supervisor.lasa1", "supervisor.lasa2", "supervisor.lasa3"];

    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Everything a case opens through, for one case: its number, a complaint attachment, its receipt notice, the open invitation.</summary>
    private sealed record CaseDoors(string Number, Guid AttachmentId, Guid NoticeId, Guid InviteTaskId, string Drawn);

    /// <summary>
    /// A complaint with a file, accepted with 邀请特邀监督员 and investigated: its <c>supervisor-assignment</c> flow draws
    /// a supervisor and invites them.
    /// </summary>
    private async Task<CaseDoors> SupervisedCaseAsync(string description)
    {
        using var publicClient = _host.CreateClient();
        var (response, created) = await SubmitAsync(publicClient, Form(ValidComplaint(description), ("现场记录.pdf", Pdf("现场"))));
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var number = created!["trackingNumber"]!.GetValue<string>();

        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        await CompleteAsync(clerk, await StaffClients.TaskIdAsync(clerk, "acceptance", number), "受理", new { inviteSupervisor = true });
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        await CompleteAsync(handler, await StaffClients.TaskIdAsync(handler, "investigate", number), "调查完毕", new { facts = "经调取执法记录仪视频，执法人员确有推搡行为。" });

        var invite = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Tasks.AsNoTracking()
            .SingleAsync(t => t.CorrelationId == number && t.ActivityId == "invite" && t.Status == WorkflowTaskStatus.Open));
        using var lead = await StaffClients.SignedInAsync(_host, "lead");
        var attachment = (await lead.GetFromJsonAsync<JsonArray>($"/api/cases/{number}/attachments"))!.Single()!["id"]!.GetValue<Guid>();
        var file = (await lead.GetFromJsonAsync<JsonObject>($"/api/cases/{number}"))!;
        var receipt = file["notices"]!.AsArray().Single(n => n!["title"]!.GetValue<string>() == "投诉举报受理回执")!["id"]!.GetValue<Guid>();
        return new CaseDoors(number, attachment, receipt, invite.Id, invite.AssigneeUser!);
    }

    private static async Task CompleteAsync(HttpClient staff, Guid taskId, string outcome, object fields)
    {
        var response = await staff.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, fields });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The status of each door of the case for <paramref name="client"/>, by name; reading only, nothing changes.</summary>
    private static async Task<Dictionary<string, HttpStatusCode>> KnockAsync(HttpClient client, CaseDoors doors)
    {
        var urls = new Dictionary<string, string>
        {
            ["case API"] = $"/api/cases/{doors.Number}",
            ["case page"] = $"/cases/{doors.Number}",
            ["attachment list"] = $"/api/cases/{doors.Number}/attachments",
            ["attachment"] = $"/api/cases/{doors.Number}/attachments/{doors.AttachmentId}",
            ["notice"] = $"/staff/notices/{doors.NoticeId}",
            ["task page"] = $"/tasks/{doors.InviteTaskId}",
        };
        var statuses = new Dictionary<string, HttpStatusCode>();
        foreach (var (door, url) in urls)
        {
            statuses[door] = (await client.GetAsync(new Uri(url, UriKind.Relative))).StatusCode;
        }

        return statuses;
    }

    /// <summary>The case numbers of the open tasks in the user's inbox (API), and whether the <c>/tasks</c> page names <paramref name="number"/>.</summary>
    private static async Task<(List<string?> Api, bool Page)> InboxAsync(HttpClient client, string number)
    {
        var items = (await client.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray();
        var page = await client.GetStringAsync(new Uri("/tasks", UriKind.Relative));
        return ([.. items.Select(t => t!["caseNumber"]?.GetValue<string>())], page.Contains(number, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Case_Returns404AtEveryDoor_WhenTheInvitedSupervisorWasNotDrawnForIt()
    {
        var doors = await SupervisedCaseAsync("2026年3月1日上午，城管执法人员在八廓街收缴摊位物品时未出示执法证件，并推搡我的家人。");

        foreach (var outsider in Pool.Where(p => p != doors.Drawn))
        {
            using var client = await StaffClients.SignedInAsync(_host, outsider);

            (await KnockAsync(client, doors)).Should().AllSatisfy(door => door.Value.Should().Be(HttpStatusCode.NotFound, $"{outsider} was not drawn: {door.Key}"));
            (await client.PostAsync(new Uri($"/api/tasks/{doors.InviteTaskId}/claim", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NotFound, outsider);
            (await client.PostAsJsonAsync($"/api/tasks/{doors.InviteTaskId}/complete", new { outcome = "接受" })).StatusCode.Should().Be(HttpStatusCode.NotFound, outsider);
            var (api, page) = await InboxAsync(client, doors.Number);
            api.Should().NotContain(doors.Number, outsider);
            page.Should().BeFalse($"{outsider}'s /tasks does not list the case");
        }
    }

    [Fact]
    public async Task Case_OpensWithTheComplainantMasked_WhenTheInvitedSupervisorWasDrawnForIt()
    {
        var doors = await SupervisedCaseAsync("2026年3月1日上午，城管执法人员在八廓街收缴摊位物品时未出示执法证件，并推搡我的家人。");
        using var drawn = await StaffClients.SignedInAsync(_host, doors.Drawn);

        (await KnockAsync(drawn, doors)).Should().AllSatisfy(door => door.Value.Should().Be(HttpStatusCode.OK, door.Key));
        var file = (await drawn.GetFromJsonAsync<JsonObject>($"/api/cases/{doors.Number}"))!;
        file["complaint"]!["identityShown"]!.GetValue<bool>().Should().BeFalse();
        file["complaint"]!["complainantName"]!.GetValue<string>().Should().Be("***");
        var texts = new[]
        {
            file.ToJsonString(),
            WebUtility.HtmlDecode(await drawn.GetStringAsync(new Uri($"/cases/{doors.Number}", UriKind.Relative))),
            await drawn.GetStringAsync(new Uri($"/staff/notices/{doors.NoticeId}", UriKind.Relative)),
            WebUtility.HtmlDecode(await drawn.GetStringAsync(new Uri($"/tasks/{doors.InviteTaskId}", UriKind.Relative))),
        };
        texts.Should().AllSatisfy(text => text.Should().NotContain("次仁卓玛").And.NotContain("13908900000").And.NotContain(ValidResidentId()).And.NotContain("cirenzhuoma@example.test"));
        (await InboxAsync(drawn, doors.Number)).Api.Should().Contain(doors.Number);
    }

    [Fact]
    public async Task Case_Returns404_WhenTheInvitedSupervisorWasDrawnForAnotherCase()
    {
        var caseA = await SupervisedCaseAsync("2026年3月1日上午，城管执法人员在八廓街收缴摊位物品时未出示执法证件，并推搡我的家人。");
        // A's supervisor is not available for the next draw, so B gets someone else (the draw is random).
        await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            (await db.Supervisors.SingleAsync(s => s.UserName == caseA.Drawn)).Available = false;
            await db.SaveChangesAsync();
        });
        var caseB = await SupervisedCaseAsync("2026年3月3日下午，城管执法人员在冲赛康市场扣押我的三轮车，未开具任何清单。");
        caseB.Drawn.Should().NotBe(caseA.Drawn);

        using var supervisorA = await StaffClients.SignedInAsync(_host, caseA.Drawn);
        using var supervisorB = await StaffClients.SignedInAsync(_host, caseB.Drawn);

        (await KnockAsync(supervisorA, caseB)).Should().AllSatisfy(door => door.Value.Should().Be(HttpStatusCode.NotFound, $"A's supervisor at B's {door.Key}"));
        (await KnockAsync(supervisorB, caseA)).Should().AllSatisfy(door => door.Value.Should().Be(HttpStatusCode.NotFound, $"B's supervisor at A's {door.Key}"));
        (await InboxAsync(supervisorA, caseB.Number)).Api.Should().Equal(caseA.Number);
        (await InboxAsync(supervisorB, caseA.Number)).Api.Should().Equal(caseB.Number);
        (await supervisorA.GetAsync(new Uri($"/api/cases/{caseA.Number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK, "their own case still opens");
    }

    [Fact]
    public async Task Delegate_Returns400_WhenTheDrawnSupervisorHandsTheInvitationToAnotherSupervisor()
    {
        var doors = await SupervisedCaseAsync("2026年3月1日上午，城管执法人员在八廓街收缴摊位物品时未出示执法证件，并推搡我的家人。");
        using var drawn = await StaffClients.SignedInAsync(_host, doors.Drawn);
        // A 拉萨 colleague of the pool: inside the liaison unit's scope, so only the supervisor rule refuses the hand-over.
        var other = new[] { "supervisor.lasa1", "supervisor.lasa2" }.First(p => p != doors.Drawn);

        var response = await drawn.PostAsJsonAsync($"/api/tasks/{doors.InviteTaskId}/delegate", new { userName = other });

        // A draw is personal (recusal was checked for the one drawn): handing it on would open the case to someone never drawn.
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var client = await StaffClients.SignedInAsync(_host, other);
        (await client.GetAsync(new Uri($"/api/cases/{doors.Number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetCase_KeepsTheUnitScope_WhenTheInvitedSupervisorAlsoHoldsAStaffRole()
    {
        var doors = await SupervisedCaseAsync("2026年3月1日上午，城管执法人员在八廓街收缴摊位物品时未出示执法证件，并推搡我的家人。");
        await _host.InScopeAsync(async sp =>
        {
            // A 拉萨市 lead who is also in the pool (never drawn here): the lead's role keeps the unit's scope.
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var demo = await db.Users.SingleAsync(u => u.UserName == "clerk.lasa");
            db.Users.Add(new StaffUser { Id = Guid.NewGuid(), UserName = "lead.lasa", DisplayName = "lead.lasa", OrgUnitCode = "540100", Roles = "特邀监督员,监督科长", PasswordHash = demo.PasswordHash, IsActive = true });
            await db.SaveChangesAsync();
        });
        using var lead = await StaffClients.SignedInAsync(_host, "lead.lasa");

        var statuses = await KnockAsync(lead, doors);

        statuses.Where(d => d.Key != "task page").Should().AllSatisfy(door => door.Value.Should().Be(HttpStatusCode.OK, door.Key));
        statuses["task page"].Should().Be(HttpStatusCode.NotFound, "the invitation is addressed to the drawn supervisor alone");
    }
}
