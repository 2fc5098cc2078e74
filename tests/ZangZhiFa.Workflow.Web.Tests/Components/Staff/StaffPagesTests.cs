using System.Net;
using System.Text.RegularExpressions;
using ZangZhiFa.Workflow.Web.Tests.Components.Public;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Staff;

/// <summary>
/// The staff pages through their forms, without JavaScript: sign-in, the inbox, the task page and the case page.
/// </summary>
public sealed partial class StaffPagesTests : IAsyncLifetime
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

    private static async Task<Page> SignInAsync(Browser browser, string userName, string password = StaffClients.Password, string returnUrl = "")
    {
        var form = await browser.GetAsync("/login" + (returnUrl.Length > 0 ? "?ReturnUrl=" + Uri.EscapeDataString(returnUrl) : ""));
        return await browser.SubmitAsync(form, "/login", "login", [new("Input.UserName", userName), new("Input.Password", password), new("ReturnUrl", returnUrl)]);
    }

    /// <summary>Where a redirect lands, resolved the way a browser resolves it (a scheme-relative URL leaves the site).</summary>
    private static string Target(Page page) => new Uri(new Uri("http://localhost/login"), page.Location!).ToString();

    [Fact]
    public async Task Tasks_RedirectsToLogin_WhenNotSignedIn()
    {
        using var browser = new Browser(_host);

        var page = await browser.GetAsync("/tasks");

        page.Status.Should().Be(HttpStatusCode.Found);
        page.Location!.PathAndQuery.Should().StartWith("/login?ReturnUrl=%2Ftasks");
    }

    [Fact]
    public async Task Login_ShowsTheWrongPasswordMessage_WhenThePasswordIsWrong()
    {
        using var browser = new Browser(_host);

        var page = await SignInAsync(browser, "clerk", "wrong-password");

        page.ById("login-error").Should().Be("用户名或密码错误");
        (await browser.GetAsync("/tasks")).Status.Should().Be(HttpStatusCode.Found, "still not signed in");
    }

    [Fact]
    public async Task Login_IgnoresTheReturnUrl_WhenItPointsToAnotherSite()
    {
        using var browser = new Browser(_host);

        var page = await SignInAsync(browser, "clerk", returnUrl: "//evil.example/phish");

        page.Status.Should().Be(HttpStatusCode.Found);
        Target(page).Should().Be("http://localhost/tasks");
    }

    [Fact]
    public async Task Login_GoesBackToTheReturnUrl_WhenItIsLocal()
    {
        using var browser = new Browser(_host);

        var page = await SignInAsync(browser, "clerk", returnUrl: "/account/password");

        Target(page).Should().Be("http://localhost/account/password");
    }

    [Fact]
    public async Task TaskPage_SaysSomeoneElseDidIt_WhenTheTaskWasCompletedMeanwhile()
    {
        using var first = new Browser(_host);
        using var second = new Browser(_host);
        await SignInAsync(first, "clerk.chengguan");
        await SignInAsync(second, "clerk.chengguan");
        var taskId = TaskIds().Match((await first.GetAsync("/tasks")).Html).Groups[1].Value;
        var firstForm = await first.GetAsync($"/tasks/{taskId}");
        var secondForm = await second.GetAsync($"/tasks/{taskId}");
        (await first.SubmitAsync(firstForm, $"/tasks/{taskId}", "complete", [new("outcome", "受理")])).Status.Should().Be(HttpStatusCode.Found);

        var late = await second.SubmitAsync(secondForm, $"/tasks/{taskId}", "complete", [new("outcome", "受理")]);

        late.Text.Should().Contain("该任务已由他人办理");
    }

    [Fact]
    public async Task TaskPage_KeepsWhatWasTypedAndCompletesNothing_WhenThePageExpired()
    {
        using var clerk = new Browser(_host);
        using var otherTab = new Browser(_host);
        await SignInAsync(clerk, "clerk.chengguan");
        await SignInAsync(otherTab, "clerk.chengguan");
        var taskId = TaskIds().Match((await clerk.GetAsync("/tasks")).Html).Groups[1].Value;
        var foreignToken = await otherTab.GetAsync($"/tasks/{taskId}");

        var expired = await clerk.SubmitAsync(foreignToken, $"/tasks/{taskId}", "complete", [new("outcome", "受理"), new("comment", "符合受理条件，予以受理")]);
        var again = await clerk.GetAsync($"/tasks/{taskId}");

        expired.Status.Should().Be(HttpStatusCode.BadRequest);
        expired.ById("form-expired").Should().StartWith("页面已过期").And.Contain("办理没有提交");
        expired.Text.Should().Contain("办理期限：2026-03-09 24:00", "five working days from Monday 2 March end with Monday 9 March, not at 00:00 on the 10th");
        WebUtility.HtmlDecode(expired.TextAreaHtml("comment")).Should().Be("符合受理条件，予以受理");
        again.Text.Should().Contain("name=\"outcome\" value=\"受理\"", "the task is still open");
    }

    [Fact]
    public async Task Pages_AnswerAShortPageSayingToReload_WhenAFormWithoutItsOwnAnswerExpired()
    {
        using var clerk = new Browser(_host);
        using var otherTab = new Browser(_host);
        await SignInAsync(clerk, "clerk.chengguan");
        await SignInAsync(otherTab, "clerk.chengguan");
        var inbox = await clerk.GetAsync("/tasks");
        var taskId = TaskIds().Match(inbox.Html).Groups[1].Value;

        var expired = await clerk.SubmitAsync(await otherTab.GetAsync("/tasks"), "/tasks", "claim", [new("ClaimId", taskId)]);

        expired.Status.Should().Be(HttpStatusCode.BadRequest);
        expired.Text.Should().Contain("页面已失效").And.Contain("刚才的操作没有执行").And.Contain("<a href=\"/tasks\">");
        (await clerk.GetAsync("/tasks")).Text.Should().NotContain("已认领", "nothing was claimed");
    }

    [Fact]
    public async Task Login_AsksToSignInAgainKeepingTheName_WhenTheLoginPageExpired()
    {
        using var browser = new Browser(_host);
        using var elsewhere = new Browser(_host);
        var foreignToken = await elsewhere.GetAsync("/login");

        var page = await browser.SubmitAsync(foreignToken, "/login", "login", [new("Input.UserName", "clerk"), new("Input.Password", StaffClients.Password)]);

        page.Status.Should().Be(HttpStatusCode.BadRequest);
        page.ById("login-error").Should().Be("登录页面已过期，请重新输入密码登录。");
        page.InputValue("Input.UserName").Should().Be("clerk");
        (await browser.GetAsync("/tasks")).Status.Should().Be(HttpStatusCode.Found, "not signed in");
    }

    [Fact]
    public async Task TaskAndCasePages_Answer404WithAPageSayingSo_WhenNothingIsThereForTheUser()
    {
        using var clerk = new Browser(_host);
        await SignInAsync(clerk, "clerk.chengguan");

        foreach (var path in new[] { $"/tasks/{Guid.NewGuid()}", "/cases/TS-2099-999999" })
        {
            var page = await clerk.GetAsync(path);
            page.Status.Should().Be(HttpStatusCode.NotFound, path);
            page.Text.Should().Contain("未找到", "a 404 with an empty body shows the visitor a blank page");
        }
    }

    [Fact]
    public async Task TaskPage_ShowsTheCommentsProblemAtTheComment_WhenTheCommentIsTooLong()
    {
        using var clerk = new Browser(_host);
        await SignInAsync(clerk, "clerk.chengguan");
        var taskId = TaskIds().Match((await clerk.GetAsync("/tasks")).Html).Groups[1].Value;
        var page = await clerk.GetAsync($"/tasks/{taskId}");

        var refused = await clerk.SubmitAsync(page, $"/tasks/{taskId}", "complete", [new("outcome", "受理"), new("comment", new string('意', 5001))]);

        refused.Status.Should().Be(HttpStatusCode.BadRequest);
        refused.Html.Should().Contain("id=\"comment-error\"", "the summary alone does not say what to change");
        refused.Text.Should().Contain("意见不能超过 5000 字");
    }

    [Fact]
    public async Task Journey_ClerkAcceptsFromTheInbox_ThenTheHandlerCompletes_AndTheCaseTimelineShowsBoth()
    {
        using var clerk = new Browser(_host);
        Target(await SignInAsync(clerk, "clerk.chengguan")).Should().Be("http://localhost/tasks");
        var inbox = await clerk.GetAsync("/tasks");
        inbox.Text.Should().Contain(_number).And.Contain("受理审查");
        var taskId = TaskIds().Match(inbox.Html).Groups[1].Value;
        var claimed = await clerk.SubmitAsync(inbox, "/tasks", "claim", [new("ClaimId", taskId)]);
        claimed.Text.Should().Contain("已认领");
        var taskPage = await clerk.GetAsync($"/tasks/{taskId}");
        taskPage.Text.Should().Contain("次仁卓玛", "the clerk handling the complaint sees who filed it");

        var accepted = await clerk.FollowAsync(await clerk.SubmitAsync(taskPage, $"/tasks/{taskId}", "complete", [new("outcome", "受理"), new("comment", "符合受理条件")]));
        accepted.ById("next-step").Should().Contain("下一步").And.Contain("承办人");

        using var handler = new Browser(_host);
        await SignInAsync(handler, "handler.lasa");
        var handlerInbox = await handler.GetAsync("/tasks");
        var investigateId = TaskIds().Match(handlerInbox.Html).Groups[1].Value;
        var investigate = await handler.GetAsync($"/tasks/{investigateId}");
        investigate.Text.Should().Contain("***", "a handler one level up sees the identity masked");
        var missing = await handler.SubmitAsync(investigate, $"/tasks/{investigateId}", "complete", [new("outcome", "调查完毕")]);
        missing.Html.Should().Contain("id=\"facts-error\"", "the required field is flagged at the field");
        var done = await handler.FollowAsync(await handler.SubmitAsync(investigate, $"/tasks/{investigateId}", "complete",
            [new("outcome", "调查完毕"), new("field.facts", "经调取执法记录仪视频，执法人员确有推搡行为且未出示证件。")]));

        var timeline = done.ById("case-timeline");
        timeline.Should().Contain("受理审查").And.Contain("「受理」").And.Contain("调查核实").And.Contain("「调查完毕」");
        timeline.Should().Contain("· 城关区受理员").And.NotContain("clerk.chengguan", "people are named as colleagues know them, not by their login");
        done.Html.Should().Contain("<svg").And.Contain("#ffe08a", "the current step is highlighted in the diagram");
    }

    [Fact]
    public async Task CasePage_NamesTimelineEventsInChinese_WhenTheJournalHoldsEngineCodes()
    {
        using var clerk = new Browser(_host);
        await SignInAsync(clerk, "clerk.chengguan");
        var taskId = TaskIds().Match((await clerk.GetAsync("/tasks")).Html).Groups[1].Value;
        await clerk.SubmitAsync(await clerk.GetAsync($"/tasks/{taskId}"), $"/tasks/{taskId}", "complete", [new("outcome", "受理")]);

        var page = await clerk.GetAsync($"/cases/{_number}");

        var timeline = page.ById("case-timeline")!;
        timeline.Should().Contain("流程启动").And.Contain("任务指派").And.Contain("任务完成").And.Contain("发出文书").And.Contain("受理审查");
        EngineCodes().Matches(timeline).Select(m => m.Value).Should().BeEmpty("the journal's codes (waiting, resumed, HumanTask, acceptance…) are not shown as such");
    }

    [Fact]
    public async Task CasePage_LabelsTheDiagramsArrowsWithTheirOutcomes()
    {
        using var clerk = new Browser(_host);
        await SignInAsync(clerk, "clerk.chengguan");

        var page = await clerk.GetAsync($"/cases/{_number}");

        var svg = Regex.Match(page.Html, "<svg.*?</svg>", RegexOptions.Singleline).Value;
        var labels = OutcomeLabels().Matches(svg).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        labels.Should().Contain(["受理", "不予受理", "调查完毕", "要求补正"]);
        svg.Should().Contain("marker-end=\"url(#arrow)\"", "arrows have heads");
        labels.Should().NotContain("done");
    }

    [Fact]
    public async Task Tasks_ShowsCountsWithAPlusAndPagesOn_WhenThereAreMoreTasksThanTheCountLimit()
    {
        await using var host = new WorkflowHost(settings: new Dictionary<string, string> { ["Inbox:CountLimit"] = "2" });
        using (var publicClient = host.CreateClient())
        {
            for (var i = 0; i < 3; i++)
            {
                await SubmitAsync(publicClient, ValidComplaint($"2026年3月1日上午，城管执法人员在八廓街收缴摊位物品时未出示执法证件（第{i + 1}起）。"));
            }
        }

        using var clerk = new Browser(host);
        await SignInAsync(clerk, "clerk.chengguan");

        var inbox = await clerk.GetAsync("/tasks");

        inbox.ById("count-claimable").Should().Be("2+");
        inbox.ById("count-all").Should().Be("2+");
        inbox.ById("count-mine").Should().Be("0");
        inbox.Text.Should().Contain("共 2+ 项");
        TaskIds().Matches(inbox.Html).Should().HaveCount(3, "the page itself lists every task; only the count stops");
    }

    [GeneratedRegex("<g class=\"outcome\"><text[^>]*>([^<]+)</text>")]
    private static partial Regex OutcomeLabels();

    [GeneratedRegex("\\b(waiting|resumed|executed|started|completed|notice-issued|HumanTask|SendNotice|acceptance|register)\\b")]
    private static partial Regex EngineCodes();

    [GeneratedRegex("data-task-id=\"([0-9a-f-]{36})\"")]
    private static partial Regex TaskIds();
}
