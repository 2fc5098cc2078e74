using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Cases;

/// <summary>
/// The case file over the API and the staff notice link: scope by unit, identity masked by role, 404 outside; and the
/// work of the flows the complaint started (特邀监督员选派, 问责) shown in the same file.
/// </summary>
public sealed class GetCaseTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();
    private string _number = "";

    public async Task InitializeAsync()
    {
        using var publicClient = _host.CreateClient();
        var (_, created) = await SubmitAsync(publicClient, ValidComplaint());
        _number = created!["trackingNumber"]!.GetValue<string>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject? Body)> CaseAsync(string userName)
    {
        using var client = await StaffClients.SignedInAsync(_host, userName);
        var response = await client.GetAsync(new Uri($"/api/cases/{_number}", UriKind.Relative));
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonObject>() : null);
    }

    /// <summary>A staff account beyond the demo set, with the demo password.</summary>
    private Task AddUserAsync(string userName, string orgUnitCode, string roles) =>
        _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var demo = db.Users.Single(u => u.UserName == "clerk.lasa");
            db.Users.Add(new StaffUser { Id = Guid.NewGuid(), UserName = userName, DisplayName = userName, OrgUnitCode = orgUnitCode, Roles = roles, PasswordHash = demo.PasswordHash, IsActive = true });
            await db.SaveChangesAsync();
        });

    private static async Task CompleteAsync(HttpClient staff, Guid taskId, string outcome, object fields)
    {
        var response = await staff.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, fields });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CaseFile_ShowsWhatStaffEnteredAndWhatTheComplainantSent_ToTheNextPersonOnTheCase()
    {
        using var publicClient = _host.CreateClient();
        var (_, created) = await SubmitAsync(publicClient, ValidComplaint(description: "另一件事：城管执法人员扣押三轮车后没有出具任何清单和手续。"));
        _number = created!["trackingNumber"]!.GetValue<string>();
        var queryCode = created["queryCode"]!.GetValue<string>();
        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        await CompleteAsync(clerk, await StaffClients.TaskIdAsync(clerk, "acceptance", _number), "受理", new { });
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        await CompleteAsync(handler, await StaffClients.TaskIdAsync(handler, "investigate", _number), "要求补正", new { missing = "被扣押三轮车的照片及购车发票" });
        var sent = await publicClient.PostAsJsonAsync($"/api/complaints/{_number}/supplement?queryCode={queryCode}", new { text = "补正：三轮车照片两张，购车发票一张，已按要求提交。" });
        sent.StatusCode.Should().Be(HttpStatusCode.NoContent);

        var file = (await handler.GetFromJsonAsync<JsonObject>($"/api/cases/{_number}"))!;
        var page = System.Net.WebUtility.HtmlDecode(await handler.GetStringAsync(new Uri($"/tasks/{await StaffClients.TaskIdAsync(handler, "investigate", _number)}", UriKind.Relative)));

        var asked = file["tasks"]!.AsArray().Single(t => t!["outcome"]?.GetValue<string>() == "要求补正")!;
        var field = asked["fields"]!.AsArray().Should().ContainSingle().Subject!;
        field["label"]!.GetValue<string>().Should().Be("需补正的材料（写入补正通知书）");
        field["value"]!.GetValue<string>().Should().Be("被扣押三轮车的照片及购车发票");
        file["received"]!.AsArray().Should().ContainSingle().Which!["values"]![0]!["value"]!.GetValue<string>().Should().Be("补正：三轮车照片两张，购车发票一张，已按要求提交。");
        file["timeline"]!.AsArray().Select(e => e!["summary"]?.GetValue<string>()).Should().Contain("要求补正 需补正的材料（写入补正通知书）：被扣押三轮车的照片及购车发票", "the record reads as text, not escaped JSON");
        page.Should().Contain("前序办理").And.Contain("被扣押三轮车的照片及购车发票", "the reopened investigation shows what was asked")
            .And.Contain("收到的材料").And.Contain("补正：三轮车照片两张，购车发票一张，已按要求提交。");
    }

    [Fact]
    public async Task CaseFile_SaysAMailIsBeingRetried_WhenTheServerRefusedIt()
    {
        // Due tomorrow, so the mail worker leaves it as it is while the file is read.
        var retryAt = _host.Time.GetUtcNow().AddDays(1);
        await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var instanceId = await db.Instances.Where(i => i.CorrelationId == _number).Select(i => i.Id).FirstAsync();
            db.Mails.Add(new OutgoingMail
            {
                Id = Guid.NewGuid(), InstanceId = instanceId, To = "zhuoma@example.test", Subject = "受理告知书", HtmlBody = "<p>x</p>",
                Status = MailStatus.Pending, Attempts = 3, CreatedAt = _host.Time.GetUtcNow(), NextAttemptAt = retryAt,
            });
            await db.SaveChangesAsync();
        });

        var (_, file) = await CaseAsync("clerk.chengguan");

        file!["mails"]!.AsArray().Select(m => m!["status"]!.GetValue<string>())
            .Should().Contain($"待重试（已失败 3 次，下次 {retryAt.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm}）");
    }

    /// <summary>The open task of <paramref name="activityId"/> under the case, whichever of its flows holds it.</summary>
    private Task<WorkflowTask> OpenTaskAsync(string activityId) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Tasks.AsNoTracking()
            .SingleAsync(t => t.CorrelationId!.StartsWith(_number) && t.ActivityId == activityId && t.Status == WorkflowTaskStatus.Open));

    /// <summary>Accepted with 邀请特邀监督员 and investigated: the complaint starts <c>supervisor-assignment</c>. Returns who was drawn.</summary>
    private async Task<string> InviteSupervisorAsync()
    {
        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        await CompleteAsync(clerk, await StaffClients.TaskIdAsync(clerk, "acceptance", _number), "受理", new { inviteSupervisor = true });
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        await CompleteAsync(handler, await StaffClients.TaskIdAsync(handler, "investigate", _number), "调查完毕", new { facts = "经调取执法记录仪视频，执法人员确有推搡行为且未出示证件。" });
        return (await OpenTaskAsync("invite")).AssigneeUser!;
    }

    /// <summary>
    /// The drawn supervisor accepts and gives an opinion, and the unit lets the 5 working days for its answer pass: the
    /// child flow escalates the answer (督办通知书 from 拉萨市司法局). Returns the answer task.
    /// </summary>
    /// <summary>Accepts, investigates and decides the complaint 属实 with officer fault, which starts its 问责; returns the lead's client.</summary>
    private async Task<HttpClient> FindOfficerFaultAsync()
    {
        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        await CompleteAsync(clerk, await StaffClients.TaskIdAsync(clerk, "acceptance", _number), "受理", new { });
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        await CompleteAsync(handler, await StaffClients.TaskIdAsync(handler, "investigate", _number), "调查完毕", new { facts = "执法人员未出示证件并推搡当事人。" });
        var lead = await StaffClients.SignedInAsync(_host, "lead");
        await CompleteAsync(lead, await StaffClients.TaskIdAsync(lead, "decide", _number), "属实", new
        {
            reasons = "执法人员未出示执法证件，并有推搡当事人的行为。",
            result = "支持",
            handling = "责令被投诉单位对涉事人员批评教育。",
            officerFault = true,
            officerName = "巴桑",
        });
        return lead;
    }

    private async Task<WorkflowTask> LetTheReplyToTheOpinionLapseAsync()
    {
        var probe = await FiringProbe.AttachAsync(_host.Services);
        var supervisor = await InviteSupervisorAsync();
        using (var invited = await StaffClients.SignedInAsync(_host, supervisor))
        {
            await CompleteAsync(invited, (await OpenTaskAsync("invite")).Id, "接受", new { });
            await CompleteAsync(invited, (await OpenTaskAsync("opinion")).Id, "提交意见", new { opinion = "建议调取执法记录仪全程视频" });
        }

        var reply = await OpenTaskAsync("reply");
        var deadline = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Bookmarks.AsNoTracking()
            .Where(b => b.TaskId == reply.Id && b.Kind == BookmarkKind.Timer && b.Name == "deadline").Select(b => b.Id).SingleAsync());
        _host.Time.Advance(TimeSpan.FromDays(8)); // five working days from Monday 2 March end with Monday 9 March
        await probe.WaitForBookmarkAsync(deadline);
        return reply;
    }

    private static List<JsonNode> Items(JsonObject file, string list) => [.. file[list]!.AsArray().Select(n => n!)];

    private static string Text(JsonNode node, string field) => node[field]!.GetValue<string>();

    private static string? Optional(JsonNode node, string field) => node[field]?.GetValue<string>();

    [Fact]
    public async Task GetCase_Returns401_WhenNotSignedIn()
    {
        using var client = _host.CreateClient();

        (await client.GetAsync(new Uri($"/api/cases/{_number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GetCase_ShowsTheComplainant_WhenTheUserIsTheClerkOfTheUnitHandlingIt()
    {
        var (status, body) = await CaseAsync("clerk.chengguan");

        status.Should().Be(HttpStatusCode.OK);
        body!["complaint"]!["complainantName"]!.GetValue<string>().Should().Be("次仁卓玛");
        body["complaint"]!["identityShown"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task GetCase_ShowsWhetherAnEnterpriseComplainedAndTheRespondentsName_ToEveryoneWhoSeesTheCase()
    {
        using var publicClient = _host.CreateClient();
        var complaint = ValidComplaint("某公司反映：市场监管执法人员在检查中要求停业整顿却不出具任何文书。");
        complaint["enterprise"] = true;
        var (_, created) = await SubmitAsync(publicClient, complaint);
        var number = created!["trackingNumber"]!.GetValue<string>();
        using var lead = await StaffClients.SignedInAsync(_host, "lead");

        var body = (await lead.GetFromJsonAsync<JsonObject>($"/api/cases/{number}"))!;
        var page = await lead.GetStringAsync(new Uri($"/cases/{number}", UriKind.Relative));

        body["complaint"]!["enterprise"]!.GetValue<bool>().Should().BeTrue("涉企 decides how the case is handled and is not identity");
        body["complaint"]!["respondentUnitName"]!.GetValue<string>().Should().Be("城关区城市管理综合行政执法局");
        System.Net.WebUtility.HtmlDecode(page).Should().Contain("是（企业投诉）").And.Contain("城关区城市管理综合行政执法局");
    }

    [Theory]
    [InlineData("lead")]
    [InlineData("reviewer")]
    [InlineData("clerk")]
    public async Task GetCase_MasksTheComplainant_WhenTheUserSeesTheCaseFromAboveOrInAnotherRole(string userName)
    {
        var (status, body) = await CaseAsync(userName);

        status.Should().Be(HttpStatusCode.OK);
        body!["complaint"]!["complainantName"]!.GetValue<string>().Should().Be("***");
        body.ToJsonString().Should().NotContain("次仁卓玛").And.NotContain("13908900000").And.NotContain(ValidResidentId());
    }

    [Theory]
    [InlineData("clerk.chengguan", true)]
    [InlineData("lead", false)]
    public async Task Notice_MasksTheComplainant_ForStaffWhoMayNotKnowWhoComplained(string userName, bool shown)
    {
        var (_, body) = await CaseAsync(userName);
        var receipt = body!["notices"]!.AsArray().Single(n => n!["title"]!.GetValue<string>() == "投诉举报受理回执")!["id"]!.GetValue<Guid>();
        using var client = await StaffClients.SignedInAsync(_host, userName);

        var html = await client.GetStringAsync(new Uri($"/staff/notices/{receipt}", UriKind.Relative));

        if (shown)
        {
            html.Should().Contain("次仁卓玛：");
        }
        else
        {
            html.Should().Contain("***：").And.NotContain("次仁卓玛").And.NotContain("13908900000");
        }
    }

    [Fact]
    public async Task GetCase_Returns404_WhenTheCaseIsInAnotherPrefecture()
    {
        // A clerk of 日喀则 (540200) is outside 城关区's line.
        await AddUserAsync("clerk.rikaze", "540200", "受理员");

        (await CaseAsync("clerk.rikaze")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetCase_Returns404_WhenTheUsersOwnUnitIsTheRespondent()
    {
        await _host.InScopeAsync(async sp =>
        {
            // The complaint names 城关区司法局 itself: its staff must not read a complaint against their unit.
            var db = sp.GetRequiredService<WorkflowDbContext>();
            db.Complaints.Single(c => c.TrackingNumber == _number).RespondentUnitCode = "540102";
            await db.SaveChangesAsync();
        });

        (await CaseAsync("clerk.chengguan")).Status.Should().Be(HttpStatusCode.NotFound);
        (await CaseAsync("clerk.lasa")).Status.Should().Be(HttpStatusCode.OK, "the unit above still supervises it");
    }

    [Fact]
    public async Task Case_Returns404ForEveryStaffDoor_WhenTheCaseIsOutOfScope()
    {
        await AddUserAsync("handler.shannan", "540500", "受理员,承办人");
        using var inScope = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        var taskId = await StaffClients.TaskIdAsync(inScope, "acceptance", _number);
        using var outsider = await StaffClients.SignedInAsync(_host, "handler.shannan");

        (await outsider.GetAsync(new Uri($"/cases/{_number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await outsider.GetAsync(new Uri($"/tasks/{taskId}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await outsider.PostAsync(new Uri($"/api/tasks/{taskId}/claim", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await outsider.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "受理" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await inScope.GetAsync(new Uri($"/tasks/{taskId}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Notice_Returns404_WhenTheCaseIsOutOfScopeOrTheUsersUnitIsTheRespondent()
    {
        var (_, body) = await CaseAsync("clerk.chengguan");
        var receipt = body!["notices"]!.AsArray().Single(n => n!["title"]!.GetValue<string>() == "投诉举报受理回执")!["id"]!.GetValue<Guid>();
        var url = new Uri($"/staff/notices/{receipt}", UriKind.Relative);
        await AddUserAsync("handler.shannan", "540500", "受理员,承办人");
        using var outsider = await StaffClients.SignedInAsync(_host, "handler.shannan");
        using var chengguan = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        (await chengguan.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.OK, "the clerk of the unit handling the case reads it");

        var outside = await outsider.GetAsync(url);
        await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            db.Complaints.Single(c => c.TrackingNumber == _number).RespondentUnitCode = "540102";
            await db.SaveChangesAsync();
        });
        var respondent = await chengguan.GetAsync(url);

        outside.StatusCode.Should().Be(HttpStatusCode.NotFound, "山南 is outside 城关区's line");
        (await outside.Content.ReadAsStringAsync()).Should().NotContain("受理回执");
        respondent.StatusCode.Should().Be(HttpStatusCode.NotFound, "a unit never reads complaints against itself, not even its notices");
    }

    [Fact]
    public async Task GetCase_ShowsTheInvitedSupervisorFlowsTasksAndTimeline_WhenTheComplaintStartedIt()
    {
        var supervisor = await InviteSupervisorAsync();

        var (status, file) = await CaseAsync("lead");

        status.Should().Be(HttpStatusCode.OK);
        Items(file!, "flows").Select(f => (Text(f, "definitionId"), Text(f, "label"))).Should().Equal(
            ("complaint-intake", "投诉举报办理"), ("supervisor-assignment", "特邀监督员选派"));
        var invite = Items(file!, "tasks").Single(t => Text(t, "activityId") == "invite");
        (Text(invite, "flow"), Text(invite, "assigneeUser"), Text(invite, "status")).Should().Be(("特邀监督员选派", supervisor, "Open"));
        Items(file!, "tasks").Single(t => Text(t, "activityId") == "investigate")["flow"]!.GetValue<string>().Should().Be("投诉举报办理");
        var timeline = Items(file!, "timeline");
        timeline.Should().Contain(e => Text(e, "flow") == "特邀监督员选派" && Optional(e, "activityId") == "pick", "the draw is part of the case record");
        timeline.Select(e => e["at"]!.GetValue<DateTimeOffset>()).Should().BeInAscendingOrder("one timeline, in the order things happened");
        file!.ToJsonString().Should().NotContain("次仁卓玛").And.NotContain("13908900000", "the child flows' lines are masked like the case's own");

        using var lead = await StaffClients.SignedInAsync(_host, "lead");
        var page = WebUtility.HtmlDecode(await lead.GetStringAsync(new Uri($"/cases/{_number}", UriKind.Relative)));
        page.Should().Contain("本案流程").And.Contain("data-flow=\"supervisor-assignment\"").And.Contain("特邀监督邀请：").And.Contain("[特邀监督员选派]");
    }

    [Fact]
    public async Task GetCase_ShowsTheChildFlowsSupervisionNotice_WhenTheAnswerToTheSupervisorsOpinionIsOverdue()
    {
        await LetTheReplyToTheOpinionLapseAsync();

        var (_, file) = await CaseAsync("lead");
        var notice = Items(file!, "notices").Single(n => Text(n, "title") == "督办通知书");
        Text(notice, "flow").Should().Be("特邀监督员选派");
        Items(file!, "tasks").Single(t => Text(t, "activityId") == "reply")["escalationLevel"]!.GetValue<int>().Should().Be(1);
        Items(file!, "timeline").Should().Contain(e => Text(e, "flow") == "特邀监督员选派" && Optional(e, "activityType") == "Escalate"
            && Optional(e, "summary") == "答复特邀监督员意见：野蛮执法投诉（城关区城市管理综合行政执法局）（" + _number + "）：城关区司法局 → 拉萨市司法局");

        using var lead = await StaffClients.SignedInAsync(_host, "lead");
        var html = await lead.GetStringAsync(new Uri($"/staff/notices/{Text(notice, "id")}", UriKind.Relative));
        html.Should().Contain("<div class=\"issuer-mark\">拉萨市司法局</div>").And.Contain("答复特邀监督员意见");
        var page = WebUtility.HtmlDecode(await lead.GetStringAsync(new Uri($"/cases/{_number}", UriKind.Relative)));
        page.Should().Contain($"/staff/notices/{Text(notice, "id")}").And.Contain("（特邀监督员选派）");
    }

    [Fact]
    public async Task GetCase_ShowsTheAccountabilityFlowUnderItsOwnNumber_AndOpensItsNotices_WhenTheDecisionFindsOfficerFault()
    {
        using var lead = await FindOfficerFaultAsync();
        await CompleteAsync(lead, (await OpenTaskAsync("file_case")).Id, "立案", new { });

        var (_, file) = await CaseAsync("lead");

        var label = $"执法责任追究（失职问责、尽职免责）（{_number}-WZ）";
        Items(file!, "flows").Select(f => Text(f, "label")).Should().Contain(label, "a child flow is found by parentage, whatever its own number");
        Items(file!, "tasks").Should().Contain(t => Text(t, "activityId") == "file_case" && Text(t, "flow") == label);
        var statement = Items(file!, "notices").Single(n => Text(n, "title") == "陈述申辩告知书");
        Text(statement, "flow").Should().Be(label);
        (await lead.GetAsync(new Uri($"/staff/notices/{Text(statement, "id")}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GetCase_OpensTheAccountabilityCaseUnderItsOwnNumber_WithoutTheComplainant()
    {
        using var lead = await FindOfficerFaultAsync();
        var fileCase = await OpenTaskAsync("file_case");
        fileCase.CorrelationId.Should().Be($"{_number}-WZ", "after completing it the task page goes to the case of this number");

        var response = await lead.GetAsync(new Uri($"/api/cases/{_number}-WZ", UriKind.Relative));
        var page = WebUtility.HtmlDecode(await lead.GetStringAsync(new Uri($"/cases/{_number}-WZ", UriKind.Relative)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Items(file, "flows").Select(f => Text(f, "label")).Should().Equal(["执法责任追究（失职问责、尽职免责）"], "the file of the 问责 is its own flow");
        Items(file, "tasks").Select(t => Text(t, "activityId")).Should().Equal(["file_case"]);
        file["complaint"].Should().BeNull("the 问责 is about the officer; who complained stays with the complaint");
        page.Should().Contain($"案件 {_number}-WZ").And.Contain("流程图", "the diagram is the 问责's own flow").And.NotContain("次仁卓玛");
    }

    [Fact]
    public async Task Case_Returns404ForTheFileAndTheChildFlowsNotices_WhenTheUserCouldNotOpenTheCase()
    {
        var reply = await LetTheReplyToTheOpinionLapseAsync();
        var notice = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Notices.AsNoTracking()
            .Where(n => n.InstanceId == reply.InstanceId && n.Title == "督办通知书").Select(n => n.Id).SingleAsync());
        await AddUserAsync("handler.shannan", "540500", "受理员,承办人");

        foreach (var userName in new[] { "handler.shannan", "officer.cgzf" })
        {
            // 山南 is outside 城关区's line; 城关区城管执法局 is the respondent. Neither gains a door through the child flow.
            using var client = await StaffClients.SignedInAsync(_host, userName);
            (await client.GetAsync(new Uri($"/api/cases/{_number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound, userName);
            (await client.GetAsync(new Uri($"/cases/{_number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound, userName);
            (await client.GetAsync(new Uri($"/staff/notices/{notice}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound, userName);
        }

        (await CaseAsync("lead")).Status.Should().Be(HttpStatusCode.OK, "the same doors stay open to those in scope");
    }
}
