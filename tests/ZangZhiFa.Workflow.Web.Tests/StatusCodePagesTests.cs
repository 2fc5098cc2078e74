using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Web.Tests.Components.Public;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests;

/// <summary>
/// A page request whose answer would be an empty 4xx — shown by a browser as a blank page — gets a short Chinese page;
/// the API and requests that do not ask for HTML keep their answers.
/// </summary>
public sealed class StatusCodePagesTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Signed in, and asking for HTML as a browser's navigation does.</summary>
    private async Task<Browser> SignedInAsync(string userName)
    {
        var browser = new Browser(_host);
        browser.Client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var form = await browser.GetAsync("/login");
        await browser.SubmitAsync(form, "/login", "login", [new("Input.UserName", userName), new("Input.Password", StaffClients.Password), new("ReturnUrl", "")]);
        return browser;
    }

    [Theory]
    [InlineData("/tasks/not-a-guid")]
    [InlineData("/staff/notices/not-a-guid")]
    [InlineData("/staff/notices/0196f5d4-0000-7000-8000-000000000000")]
    [InlineData("/no-such-page")]
    public async Task Pages_Answer404WithAChinesePage_WhenTheAnswerWouldHaveNoBody(string path)
    {
        using var clerk = await SignedInAsync("clerk.chengguan");

        var page = await clerk.GetAsync(path);

        page.Status.Should().Be(HttpStatusCode.NotFound);
        page.Text.Should().Contain("<title>未找到</title>").And.Contain("<a href=\"/tasks\">返回待办事项</a>");
    }

    [Fact]
    public async Task TemplateEditor_Answers404WithTheNotFoundPage_WhenTheTemplateIsUnknown()
    {
        using var admin = await SignedInAsync("admin");

        var page = await admin.GetAsync("/admin/templates/notices/nope");

        page.Status.Should().Be(HttpStatusCode.NotFound);
        page.Text.Should().Contain("未找到");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("zzz")]
    public async Task Forms_Answer400WithAChinesePage_WhenThePostNamesNoFormOfThePage(string? handler)
    {
        using var clerk = await SignedInAsync("clerk.chengguan");
        var form = await clerk.GetAsync("/account/password");
        var fields = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", form.AntiforgeryToken) };
        if (handler is not null)
        {
            fields.Add(new("_handler", handler));
        }

        using var content = new FormUrlEncodedContent(fields);
        var page = await Page.ReadAsync(await clerk.Client.PostAsync(new Uri("/account/password", UriKind.Relative), content));

        page.Status.Should().Be(HttpStatusCode.BadRequest);
        page.Text.Should().Contain("<title>请求无效</title>").And.NotContain("form");
    }

    [Fact]
    public async Task Api_KeepsItsAnswer_WhenTheCallerAsksForHtml()
    {
        using var clerk = await SignedInAsync("clerk.chengguan");

        using var response = await clerk.Client.GetAsync(new Uri("/api/cases/TS-2099-999999", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType?.MediaType.Should().NotBe("text/html");
    }

    [Fact]
    public async Task Pages_KeepTheBareStatus_WhenTheRequestDoesNotAskForHtml()
    {
        using var clerk = await SignedInAsync("clerk.chengguan");
        clerk.Client.DefaultRequestHeaders.Accept.Clear();
        clerk.Client.DefaultRequestHeaders.Accept.ParseAdd("text/css");

        var page = await clerk.GetAsync("/css/no-such.css");

        page.Status.Should().Be(HttpStatusCode.NotFound);
        page.Html.Should().BeEmpty("a stylesheet request has no use for a page");
    }

    [Fact]
    public async Task Failures_AnswerInChineseWithoutTheExceptionsText_WhenNothingCaughtThem()
    {
        await using var failing = _host.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddTransient<IStartupFilter, FailingEndpoints>()));
        using var client = failing.CreateClient();
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, "/test-failure");
        pageRequest.Headers.Accept.ParseAdd("text/html");

        using var page = await client.SendAsync(pageRequest);
        using var api = await client.GetAsync(new Uri("/api/test-failure", UriKind.Relative));

        page.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        html.Should().Contain("<h1>系统暂时无法处理</h1>").And.NotContain("secret detail");
        api.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        api.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await api.Content.ReadAsStringAsync()).Should().Contain("服务器内部错误").And.NotContain("secret detail");
    }

    /// <summary>Two paths that throw, behind everything the app maps: a bug as the site would meet it.</summary>
    private sealed class FailingEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Run(context => context.Request.Path.Value!.EndsWith("/test-failure", StringComparison.Ordinal)
                ? throw new InvalidOperationException("secret detail")
                : Task.CompletedTask);
        };
    }
}
