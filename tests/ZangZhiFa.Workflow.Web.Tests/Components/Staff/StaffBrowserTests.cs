using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Staff;

/// <summary>
/// The staff workspace in a real browser (Debian's Chromium via Playwright) against the host on Kestrel: the
/// clerk accepts a complaint from the inbox, the handler sees and completes the next task, the case timeline
/// shows both steps.
/// </summary>
public sealed class StaffBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const int Wait = 20000;
    private readonly WorkflowHost _host = new();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        File.Exists(Chromium).Should().BeTrue("test.sh installs Debian's chromium before the tests run");
        _host.UseKestrel(0);
        _host.StartServer();
        _baseUrl = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
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
        await _host.DisposeAsync();
    }

    private async Task<IPage> SignInAsync(string userName)
    {
        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/tasks");
        page.Url.Should().Contain("/login");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", StaffClients.Password);
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForSelectorAsync("#count-mine", new PageWaitForSelectorOptions { Timeout = Wait });
        return page;
    }

    [Fact]
    public async Task StaffPages_ClerkAcceptsAndHandlerCompletes_WhenWorkingFromTheInbox()
    {
        using var publicClient = _host.CreateClient();
        var number = (await SubmitAsync(publicClient, ValidComplaint())).Body!["trackingNumber"]!.GetValue<string>();

        var clerk = await SignInAsync("clerk.chengguan");
        var row = clerk.Locator("tr", new PageLocatorOptions { HasText = number });
        await row.GetByRole(AriaRole.Button).ClickAsync(); // 认领, the row's only button
        await clerk.WaitForSelectorAsync("[role=status]", new PageWaitForSelectorOptions { Timeout = Wait });
        await clerk.Locator("tr", new PageLocatorOptions { HasText = number }).GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "办理" }).ClickAsync();
        await clerk.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "受理", Exact = true }).ClickAsync();
        await clerk.WaitForSelectorAsync("#next-step", new PageWaitForSelectorOptions { Timeout = Wait });
        (await clerk.InnerTextAsync("#next-step")).Should().Contain("下一步");

        var handler = await SignInAsync("handler.lasa");
        await handler.Locator("tr", new PageLocatorOptions { HasText = number }).GetByRole(AriaRole.Link).First.ClickAsync();
        await handler.WaitForSelectorAsync("#field-facts", new PageWaitForSelectorOptions { Timeout = Wait });
        await handler.FillAsync("#field-facts", "经调取执法记录仪视频，执法人员确有推搡行为且未出示证件。");
        await handler.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "调查完毕" }).ClickAsync();
        await handler.WaitForSelectorAsync("#case-timeline", new PageWaitForSelectorOptions { Timeout = Wait });

        var timeline = await handler.InnerTextAsync("#case-timeline");
        timeline.Should().Contain("「受理」").And.Contain("「调查完毕」");
    }
}
