using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Tasks;

/// <summary>release, delegate and reassign: who may move a task, and to whom.</summary>
public sealed class HandOverTaskTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();
    private Guid _taskId;
    private string _caseNumber = "";

    public async Task InitializeAsync()
    {
        using var publicClient = _host.CreateClient();
        var (_, created) = await SubmitAsync(publicClient, ValidComplaint());
        var number = _caseNumber = created!["trackingNumber"]!.GetValue<string>();
        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        (await clerk.PostAsJsonAsync($"/api/tasks/{await StaffClients.TaskIdAsync(clerk, "acceptance", number)}/complete", new { outcome = "受理", fields = new { } })).EnsureSuccessStatusCode();
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        _taskId = await StaffClients.TaskIdAsync(handler, "investigate", number);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task<string?> AssigneeAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray()
            .SingleOrDefault(t => t!["id"]!.GetValue<Guid>() == id)?["assigneeUser"]?.GetValue<string>();

    [Fact]
    public async Task Release_PutsAClaimedTaskBackToTheGroup_WhenTheClaimantReleasesIt()
    {
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        (await handler.PostAsync(new Uri($"/api/tasks/{_taskId}/claim", UriKind.Relative), null)).EnsureSuccessStatusCode();

        var response = await handler.PostAsync(new Uri($"/api/tasks/{_taskId}/release", UriKind.Relative), null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        answer.Should().ContainKey("assigneeUser");
        answer["assigneeUser"].Should().BeNull("the answer shows the task as released, not as it was");
        (await AssigneeAsync(handler, _taskId)).Should().BeNull();
    }

    [Fact]
    public async Task Release_Returns404_WhenTheTaskIsNotClaimedByTheCaller()
    {
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");

        (await handler.PostAsync(new Uri($"/api/tasks/{_taskId}/release", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delegate_Returns400AndKeepsTheTask_WhenTheReceiverIsOutOfScopeOrLacksTheRole()
    {
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        (await handler.PostAsync(new Uri($"/api/tasks/{_taskId}/claim", UriKind.Relative), null)).EnsureSuccessStatusCode();
        using var regionHandler = await StaffClients.SignedInAsync(_host, "handler");
        (await AssigneeAsync(regionHandler, _taskId)).Should().BeNull("not yet theirs");

        // handler (自治区) is above 拉萨, so outside handler.lasa's scope: refused.
        (await handler.PostAsJsonAsync($"/api/tasks/{_taskId}/delegate", new { userName = "handler" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        // clerk.lasa is in scope but lacks 承办人: refused.
        (await handler.PostAsJsonAsync($"/api/tasks/{_taskId}/delegate", new { userName = "clerk.lasa" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await AssigneeAsync(handler, _taskId)).Should().Be("handler.lasa");
    }

    private static async Task<JsonArray> MineAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/tasks?mine=true"))!["items"]!.AsArray();

    private static Task<HttpResponseMessage> CompleteAsync(HttpClient client, Guid id) =>
        client.PostAsJsonAsync($"/api/tasks/{id}/complete", new { outcome = "调查完毕", fields = new { facts = "经调查，执法人员未出示证件属实。" } });

    [Fact]
    public async Task Delegate_MovesTheTaskToTheColleague_WhoThenCompletesIt_WhileTheGiverNoLongerCan()
    {
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        (await handler.PostAsync(new Uri($"/api/tasks/{_taskId}/claim", UriKind.Relative), null)).EnsureSuccessStatusCode();
        using var colleague = await StaffClients.SignedInAsync(_host, "officer.scjg");
        (await MineAsync(colleague)).Should().BeEmpty("nothing is theirs yet");

        // officer.scjg (城关区市场监管局, 承办人) is below 拉萨市 and holds the task's role.
        var response = await handler.PostAsJsonAsync($"/api/tasks/{_taskId}/delegate", new { userName = "officer.scjg" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await MineAsync(colleague)).Select(t => t!["id"]!.GetValue<Guid>()).Should().Equal(_taskId);
        (await MineAsync(handler)).Should().BeEmpty("the giver handed it on");
        (await CompleteAsync(handler, _taskId)).StatusCode.Should().Be(HttpStatusCode.NotFound, "the giver may no longer act on it");
        var done = await CompleteAsync(colleague, _taskId);
        done.StatusCode.Should().Be(HttpStatusCode.OK, await done.Content.ReadAsStringAsync());
        using var lead = await StaffClients.SignedInAsync(_host, "lead");
        var timeline = (await lead.GetFromJsonAsync<JsonObject>($"/api/cases/{_caseNumber}"))!["timeline"]!.AsArray();
        timeline.Should().Contain(e => e!["event"]!.GetValue<string>() == "task-delegated" && e["actor"]!.GetValue<string>() == "handler.lasa"
                                       && e["summary"]!.GetValue<string>().EndsWith("handler.lasa → officer.scjg", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delegate_Returns400_WhenTheReceiverWorksInTheRespondentUnit()
    {
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        (await handler.PostAsync(new Uri($"/api/tasks/{_taskId}/claim", UriKind.Relative), null)).EnsureSuccessStatusCode();

        // officer.cgzf is in scope and a 承办人, but works at 城关区城管执法局, the unit the complaint is about.
        var response = await handler.PostAsJsonAsync($"/api/tasks/{_taskId}/delegate", new { userName = "officer.cgzf" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("被投诉单位");
        using var officer = await StaffClients.SignedInAsync(_host, "officer.cgzf");
        (await MineAsync(officer)).Should().BeEmpty();
        (await AssigneeAsync(handler, _taskId)).Should().Be("handler.lasa");
    }

    [Fact]
    public async Task Reassign_LetsTheNewHolderCompleteTheTask_AndShutsOutTheOldHolder()
    {
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        (await handler.PostAsync(new Uri($"/api/tasks/{_taskId}/claim", UriKind.Relative), null)).EnsureSuccessStatusCode();
        using var lead = await StaffClients.SignedInAsync(_host, "lead");

        var response = await lead.PostAsJsonAsync($"/api/tasks/{_taskId}/reassign", new { userName = "handler" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var regionHandler = await StaffClients.SignedInAsync(_host, "handler");
        (await MineAsync(regionHandler)).Select(t => t!["id"]!.GetValue<Guid>()).Should().Equal(_taskId);
        (await MineAsync(handler)).Should().BeEmpty();
        (await CompleteAsync(handler, _taskId)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await CompleteAsync(regionHandler, _taskId)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Reassign_Returns400_WhenTheReceiverWorksInTheRespondentUnit()
    {
        using var lead = await StaffClients.SignedInAsync(_host, "lead");

        (await lead.PostAsJsonAsync($"/api/tasks/{_taskId}/reassign", new { userName = "officer.cgzf" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Reassign_Returns400_WhenTheReceiverWorksInAUnitBelowTheRespondent()
    {
        // A complaint about 城关区司法局 itself: its 司法所 (540102001) are on the respondent's side too.
        using var publicClient = _host.CreateClient();
        var complaint = ValidComplaint();
        complaint["respondentUnitCode"] = "540102";
        var (_, created) = await SubmitAsync(publicClient, complaint);
        var number = created!["trackingNumber"]!.GetValue<string>();
        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.lasa");
        (await clerk.PostAsJsonAsync($"/api/tasks/{await StaffClients.TaskIdAsync(clerk, "acceptance", number)}/complete", new { outcome = "受理", fields = new { } })).EnsureSuccessStatusCode();
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        var taskId = await StaffClients.TaskIdAsync(handler, "investigate", number);
        using var admin = await StaffClients.SignedInAsync(_host, "admin");
        (await admin.PostAsJsonAsync("/api/admin/users", new
        {
            userName = "handler.sfs", displayName = "司法所承办人", email = "sfs@example.com", orgUnitCode = "540102001",
            roles = new[] { "承办人" }, legalQualification = false, password = "Initial#2026a",
        })).EnsureSuccessStatusCode();
        using var lead = await StaffClients.SignedInAsync(_host, "lead");

        var response = await lead.PostAsJsonAsync($"/api/tasks/{taskId}/reassign", new { userName = "handler.sfs" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("被投诉单位");
        (await AssigneeAsync(handler, taskId)).Should().BeNull("the task stays with the group it was in");
    }

    [Fact]
    public async Task Reassign_KeepsAPoolTasksRules_ForReviewersAppointedAfterItWasPooled()
    {
        using var officer = await StaffClients.SignedInAsync(_host, "officer.cgzf");
        var filed = await officer.PostAsJsonAsync("/api/legal-reviews", new
        {
            caseName = "某餐饮公司违规排放油烟案", caseNumber = "城管罚〔2026〕21号", partyName = "拉萨某餐饮管理有限公司", partyType = "单位",
            facts = "当事人未安装油烟净化设施", evidence = "现场检查笔录", proposedDecision = "罚款150000元", fineAmount = 150000, basis = "《大气污染防治法》第一百一十八条",
        });
        var review = (await filed.Content.ReadFromJsonAsync<JsonObject>())!["caseNumber"]!.GetValue<string>();
        using var pooled = await StaffClients.SignedInAsync(_host, "reviewer.scjg");
        var reviewTask = await StaffClients.TaskIdAsync(pooled, "review", review);
        using var admin = await StaffClients.SignedInAsync(_host, "admin");
        foreach (var (userName, unit, qualified) in new[] { ("reviewer.cgzf", "540102-cgzf", true), ("reviewer.noqual", "540102", false), ("reviewer.new", "540102", true) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new
            {
                userName, displayName = "次旺", email = $"{userName}@example.com", orgUnitCode = unit,
                roles = new[] { "法制审核员" }, legalQualification = qualified, password = "Initial#2026a",
            })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        using var lead = await StaffClients.SignedInAsync(_host, "lead.chengguan");

        var submittersOwn = await lead.PostAsJsonAsync($"/api/tasks/{reviewTask}/reassign", new { userName = "reviewer.cgzf" });
        var unqualified = await lead.PostAsJsonAsync($"/api/tasks/{reviewTask}/reassign", new { userName = "reviewer.noqual" });
        var eligible = await lead.PostAsJsonAsync($"/api/tasks/{reviewTask}/reassign", new { userName = "reviewer.new" });

        submittersOwn.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the submitting unit's people are recused from the pool");
        (await submittersOwn.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["userName"]![0]!.GetValue<string>().Should().Contain("回避");
        unqualified.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a legal reviewer needs 法律职业资格");
        eligible.StatusCode.Should().Be(HttpStatusCode.OK, "a qualified reviewer of the pool appointed since meets the same rules");
        (await eligible.Content.ReadFromJsonAsync<JsonObject>())!["assigneeUser"]!.GetValue<string>().Should().Be("reviewer.new");
    }

    [Fact]
    public async Task Reassign_Returns403_WhenTheCallerIsNotTheSupervisionLead()
    {
        using var handler = await StaffClients.SignedInAsync(_host, "handler");

        (await handler.PostAsJsonAsync($"/api/tasks/{_taskId}/reassign", new { userName = "handler.lasa" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Reassign_GivesTheTaskToTheNamedHandler_WhenTheLeadAsks()
    {
        using var lead = await StaffClients.SignedInAsync(_host, "lead");

        var response = await lead.PostAsJsonAsync($"/api/tasks/{_taskId}/reassign", new { userName = "handler" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var regionHandler = await StaffClients.SignedInAsync(_host, "handler");
        (await AssigneeAsync(regionHandler, _taskId)).Should().Be("handler");
        using var lasaHandler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        (await AssigneeAsync(lasaHandler, _taskId)).Should().BeNull("it left the group when it was reassigned");
    }
}
