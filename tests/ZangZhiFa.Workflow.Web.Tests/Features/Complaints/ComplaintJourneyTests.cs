using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Complaints;

/// <summary>
/// One complaint through the whole stack: the public API, staff acting in their inboxes, notices mailed to a
/// real SMTP server, the complainant's status view, a 不满意 rating and the 复查 that follows.
/// </summary>
public sealed class ComplaintJourneyTests : IAsyncLifetime
{
    private InProcessSmtpServer _smtp = null!;
    private WorkflowHost _host = null!;

    public async Task InitializeAsync()
    {
        _smtp = await InProcessSmtpServer.StartAsync();
        _host = new WorkflowHost(smtpPort: _smtp.Port);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private async Task<HttpClient> StaffAsync(string userName)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password = "Demo#2026" })).EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<Guid> TaskIdAsync(HttpClient staff, string activityId, string trackingNumber)
    {
        var tasks = (await staff.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray();
        return tasks.Single(t => t!["activityId"]!.GetValue<string>() == activityId && t["caseNumber"]!.GetValue<string>() == trackingNumber)!["id"]!.GetValue<Guid>();
    }

    private static async Task CompleteAsync(HttpClient staff, Guid taskId, string outcome, object fields)
    {
        var response = await staff.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, fields });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Complaint_GoesFromSubmissionThroughReplyAndReview_WithNoticesMailedAndTrackedPublicly()
    {
        using var publicClient = _host.CreateClient();
        var (_, created) = await SubmitAsync(publicClient, ValidComplaint());
        var number = created!["trackingNumber"]!.GetValue<string>();
        var code = created["queryCode"]!.GetValue<string>();

        using var clerk = await StaffAsync("clerk.chengguan");
        await CompleteAsync(clerk, await TaskIdAsync(clerk, "acceptance", number), "受理", new { });
        using var handler = await StaffAsync("handler.lasa");
        await CompleteAsync(handler, await TaskIdAsync(handler, "investigate", number), "调查完毕", new { facts = "经调取执法记录仪视频，执法人员确有推搡行为且未出示证件。" });
        using var lead = await StaffAsync("lead");
        await CompleteAsync(lead, await TaskIdAsync(lead, "decide", number), "属实", new
        {
            reasons = "执法人员未出示执法证件，并有推搡当事人的行为，违反执法规范。",
            result = "支持",
            handling = "责令城关区城市管理综合行政执法局对涉事人员批评教育并书面检查。",
            officerFault = true,
        });

        var (_, replied) = await TrackAsync(publicClient, number, code);
        replied!["stage"]!.GetValue<string>().Should().Be("已答复");
        replied["awaitingRating"]!.GetValue<bool>().Should().BeTrue();
        var notices = replied["notices"]!.AsArray().Select(n => n!["title"]!.GetValue<string>()).ToList();
        notices.Should().Contain(t => t.Contains("答复意见书"));
        var replyUrl = replied["notices"]!.AsArray().First(n => n!["title"]!.GetValue<string>().Contains("答复意见书"))!["url"]!.GetValue<string>();
        var replyHtml = await publicClient.GetStringAsync(new Uri(replyUrl, UriKind.Relative));
        replyHtml.Should().Contain(number).And.Contain("属实").And.Contain("@page");

        var rated = await publicClient.PostAsJsonAsync($"/api/complaints/{number}/satisfaction?queryCode={code}", new { rating = "不满意", comment = "对处理结果不满意，要求复查" });
        rated.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await TrackAsync(publicClient, number, code)).Body!["stage"]!.GetValue<string>().Should().Be("复查中");

        await CompleteAsync(lead, await TaskIdAsync(lead, "review_case", number), "维持", new
        {
            facts = "复查查明的事实与原答复一致。",
            reasons = "原答复认定事实清楚、处理适当。",
        });

        var (_, closed) = await TrackAsync(publicClient, number, code);
        closed!["status"]!.GetValue<string>().Should().Be("已办结");
        closed["stage"]!.GetValue<string>().Should().Be("已办结");
        closed["timeline"]!.AsArray().Count.Should().BeGreaterThanOrEqualTo(5);
        closed.ToJsonString().Should().NotContain("handler.lasa").And.NotContain("lead", "staff names stay internal");

        var review = await _smtp.WaitForMessageAsync(m => m.Subject!.Contains("复查决定书"));
        review.To.ToString().Should().Contain("cirenzhuoma@example.test");
        review.HtmlBody.Should().Contain("维持");
        _smtp.Received.Select(m => m.Message.Subject).Should().Contain(s => s!.Contains("答复意见书"));
    }
}
