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
    private const int Wait = 20000;
    private readonly ChromiumHost _chromium = new();

    public Task InitializeAsync() => _chromium.StartAsync();

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private async Task<IPage> SignInAsync(string userName)
    {
        var context = await _chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_chromium.BaseUrl + "/tasks");
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
        using var publicClient = _chromium.Host.CreateClient();
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
