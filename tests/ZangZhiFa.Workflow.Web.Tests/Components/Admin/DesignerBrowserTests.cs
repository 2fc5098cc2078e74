using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Tests.Support;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Admin;

/// <summary>
/// The flow designer in a real browser (Debian's Chromium driven by Playwright) against the host on Kestrel: the
/// canvas draws the flow, and Validate asks the engine's validator. Writes <c>docs/designer.png</c> for the README.
/// </summary>
public sealed class DesignerBrowserTests : IAsyncLifetime
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
        // The designer needs blazor.web.js and the diagram library's script, which come from static web assets;
        // the host maps them from the build's manifest only in Development, and the tests run as Testing.
        _server = _host.WithWebHostBuilder(builder => builder.UseStaticWebAssets());
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
    public async Task Designer_DrawsEveryActivityAndValidatesWithoutErrors_WhenAdminOpensComplaintIntake()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, Locale = "zh-CN" });
        // The API request shares the context's cookie jar, so the page is signed in afterwards.
        var login = await context.APIRequest.PostAsync(_baseUrl + "/api/auth/login", new APIRequestContextOptions { DataObject = new { userName = "admin", password = "Demo#2026" } });
        login.Status.Should().Be(200);
        var page = await context.NewPageAsync();
        var expected = WorkflowDefinitionSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Workflows, "complaint-intake.json")), "complaint-intake.json");

        var log = new List<string>();
        page.Console += (_, message) => log.Add("console: " + message.Text);
        page.RequestFailed += (_, request) => log.Add("failed: " + request.Url);
        page.Response += (_, response) => log.Add($"{response.Status} {response.Url}");

        await page.GotoAsync(_baseUrl + "/admin/workflows/complaint-intake", new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        try
        {
            await page.WaitForSelectorAsync(".activity-node[data-activity=acceptance]", new PageWaitForSelectorOptions { Timeout = 30000 });
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException("canvas did not render:\n" + string.Join("\n", log) + "\n" + await page.ContentAsync());
        }

        (await page.Locator(".activity-node").CountAsync()).Should().Be(expected.Activities.Count);
        (await page.Locator(".diagram-link").CountAsync()).Should().Be(expected.Connections.Count);
        (await page.Locator(".activity-node[data-activity=investigate] .activity-title").InnerTextAsync()).Should().Be("调查核实");
        await page.ClickAsync("#validate");
        await page.WaitForSelectorAsync("#validation-result .ok", new PageWaitForSelectorOptions { Timeout = 15000 });
        (await page.InnerTextAsync("#validation-result")).Should().Contain("校验通过");
        (await page.Locator(".activity-node.invalid").CountAsync()).Should().Be(0);

        await page.ClickAsync("#export");
        await page.WaitForSelectorAsync("#export-json");
        var exported = await page.InputValueAsync("#export-json");
        exported.Should().Be(WorkflowDefinitionSerializer.Serialize(expected), "the canvas exports the flow it loaded unchanged, in the export format");

        await page.ClickAsync("#fit");
        await page.ClickAsync(".activity-node[data-activity=investigate]");
        await page.WaitForSelectorAsync("#node-properties");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Root, "docs", "designer.png") });
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Designer_RefusesToPublishAnUnconnectedStep_AndPublishesVersionTwoOnceItIsRemoved()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        (await context.APIRequest.PostAsync(_baseUrl + "/api/auth/login", new APIRequestContextOptions { DataObject = new { userName = "admin", password = "Demo#2026" } })).Status.Should().Be(200);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/admin/workflows/complaint-intake");
        await page.WaitForSelectorAsync(".activity-node[data-activity=acceptance]", new PageWaitForSelectorOptions { Timeout = 30000 });

        await page.ClickAsync(".palette-item[data-type=HumanTask]");
        await page.WaitForSelectorAsync(".activity-node[data-activity=humanTask1]");
        await page.FillAsync("#node-title", "监督科长审核");
        await page.FillAsync("#node-properties", """{ "title": "审核", "assignee": { "role": "监督科长", "orgUnit": "supervisingUnitCode" }, "outcomes": [ "同意" ] }""");
        await page.WaitForSelectorAsync(".activity-node.invalid[data-activity=humanTask1]");
        await page.FillAsync("#node-properties", "{ \"title\": ");
        (await page.InnerTextAsync("#properties-error")).Should().Contain("JSON 格式错误");
        await page.ClickAsync("#publish");
        // Errors are already listed while typing; wait for the publish answer itself.
        await page.Locator("#validation-result", new PageLocatorOptions { HasText = "未发布" }).WaitForAsync();

        (await page.InnerTextAsync("#validation-result")).Should().Contain("未发布").And.Contain("activity 'humanTask1'");
        (await page.InnerTextAsync(".activity-node[data-activity=humanTask1] .activity-title")).Should().Be("监督科长审核");

        await page.ClickAsync("#delete");
        await page.WaitForSelectorAsync(".activity-node[data-activity=humanTask1]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        await page.ClickAsync("#publish");
        await page.Locator("#validation-result", new PageLocatorOptions { HasText = "已发布" }).WaitForAsync();

        (await page.InnerTextAsync("#validation-result")).Should().Contain("已发布为 v2");
        _server.Services.GetRequiredService<DefinitionCatalog>().FindLatest("complaint-intake")!.Version.Should().Be(2);
        await context.DisposeAsync();
    }
}
