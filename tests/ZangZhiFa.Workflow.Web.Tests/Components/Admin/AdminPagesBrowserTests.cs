using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Admin;

/// <summary>The interactive admin pages in a real browser: the 试运行 sandbox step by step, and the template editor's live checking.</summary>
public sealed class AdminPagesBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly WorkflowHost _host = new();
    private WebApplicationFactory<Program> _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        File.Exists(Chromium).Should().BeTrue("test.sh installs Debian's chromium before the tests run");
        // blazor.web.js comes from static web assets, which the host maps from the build's manifest only in Development.
        // A port of its own (another host may hold Kestrel's default 5000 while tests run side by side).
        _server = _host.WithWebHostBuilder(builder => builder.UseStaticWebAssets().UseUrls("http://127.0.0.1:0"));
        _server.UseKestrel(0);
        _server.StartServer();
        _baseUrl = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task TryPage_WalksAcceptanceAndEscalatesOnTheSandboxClock_WhenAdminClicksThrough()
    {
        var page = await SignedInPageAsync();

        await page.GotoAsync(_baseUrl + "/admin/workflows/complaint-intake/try");
        await page.ClickAsync("#sandbox-start", new PageClickOptions { Timeout = 30000 });
        await page.ClickAsync(".sandbox-task[data-activity=acceptance] button[data-outcome=受理]", new PageClickOptions { Timeout = 30000 });
        await page.WaitForSelectorAsync(".sandbox-task[data-activity=investigate]", new PageWaitForSelectorOptions { Timeout = 30000 });
        await page.ClickAsync("text=+30 天");
        await page.ClickAsync("text=+30 天");
        await page.WaitForSelectorAsync("#sandbox-journal td:text-is('escalate_investigate')", new PageWaitForSelectorOptions { Timeout = 30000 });

        (await page.InnerTextAsync("#sandbox-notices")).Should().Contain("投诉举报受理告知书").And.Contain("督办通知书");
        (await page.InnerTextAsync("#sandbox-now")).Should().StartWith("2026-05-01");
    }

    [Fact]
    public async Task TemplateEditor_ShowsLineAndColumnAndBlocksSaving_WhenTextBreaks()
    {
        var page = await SignedInPageAsync();

        await page.GotoAsync(_baseUrl + "/admin/templates/notices/complaint-receipt");
        var original = await page.InputValueAsync("#template-text");
        await page.FillAsync("#template-text", original + "\n<p>{{ if complaint.anonymous }}</p>\n", new PageFillOptions { Timeout = 30000 });
        await page.WaitForSelectorAsync("#template-problems", new PageWaitForSelectorOptions { Timeout = 30000 });

        (await page.InnerTextAsync("#template-problems")).Should().MatchRegex("第 \\d+ 行第 \\d+ 列");
        (await page.IsDisabledAsync("#template-save")).Should().BeTrue();

        await page.FillAsync("#template-text", original + "\n<p>浏览器修改版</p>\n");
        await page.WaitForSelectorAsync("#template-preview", new PageWaitForSelectorOptions { Timeout = 30000 });
        await page.ClickAsync("#template-save");
        await page.WaitForSelectorAsync("#template-saved:has-text('v1')", new PageWaitForSelectorOptions { Timeout = 30000 });
    }

    private async Task<IPage> SignedInPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, Locale = "zh-CN" });
        var login = await context.APIRequest.PostAsync(_baseUrl + "/api/auth/login", new APIRequestContextOptions { DataObject = new { userName = "admin", password = "Demo#2026" } });
        login.Status.Should().Be(200);
        return await context.NewPageAsync();
    }
}
