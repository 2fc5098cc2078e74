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
        timeline.Should().Contain("acceptance").And.Contain("「受理」").And.Contain("investigate").And.Contain("「调查完毕」");
        done.Html.Should().Contain("<svg").And.Contain("#ffe08a", "the current step is highlighted in the diagram");
    }

    [GeneratedRegex("data-task-id=\"([0-9a-f-]{36})\"")]
    private static partial Regex TaskIds();
}
