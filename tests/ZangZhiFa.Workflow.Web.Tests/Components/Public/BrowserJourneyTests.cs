using Microsoft.Playwright;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Public;

/// <summary>
/// The public pages in a real browser (Debian's Chromium driven by Playwright) against the host on Kestrel:
/// fill the form, get a receipt, track the case — in Chinese and in Tibetan. test.sh installs Chromium when missing.
/// </summary>
public sealed class BrowserJourneyTests : IAsyncLifetime
{
    private readonly ChromiumHost _chromium = new();
    private IBrowser _browser = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        await _chromium.StartAsync();
        _browser = _chromium.Browser;
        _baseUrl = _chromium.BaseUrl;
    }

    public async Task DisposeAsync() => await _chromium.DisposeAsync();

    private async Task<(string Number, string Code)> FileComplaintAsync(IPage page, string path, string name, FilePayload? attachment = null)
    {
        await page.GotoAsync(_baseUrl + path);
        await page.FillAsync("#complainantName", name);
        await page.FillAsync("#phone", "13908900000");
        await page.SelectOptionAsync("#respondentUnitCode", "540102-cgzf");
        await page.SelectOptionAsync("#category", "野蛮执法");
        await page.FillAsync("#occurredAt", "2026-03-01");
        await page.FillAsync("#description", "执法人员在八廓街收缴摊位物品时未出示执法证件，并推搡摊主。<script>alert(1)</script>");
        if (attachment is not null)
        {
            await page.SetInputFilesAsync("#attachments", attachment);
        }

        await page.ClickAsync("form button[type=submit]");
        // Wait for the receipt's content, not a load event: with Blazor's enhanced navigation the redirect to
        // /receipt may arrive as a history update rather than a page load.
        try
        {
            await page.WaitForSelectorAsync("#tracking-number", new PageWaitForSelectorOptions { Timeout = 20000 });
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no receipt; still at {page.Url}: {await page.InnerTextAsync("main")}");
        }

        page.Url.Should().Contain("/receipt");
        return ((await page.InnerTextAsync("#tracking-number")).Trim(), (await page.InnerTextAsync("#query-code")).Trim());
    }

    [Fact]
    public async Task PublicPages_FileAndTrackAComplaint_InChinese()
    {
        var page = await _browser.NewPageAsync();

        var pdf = new FilePayload { Name = "现场记录.pdf", MimeType = "application/pdf", Buffer = Features.Attachments.Uploads.Pdf() };
        var (number, code) = await FileComplaintAsync(page, "/", "次仁卓玛", pdf);

        number.Should().MatchRegex(@"^TS-2026-\d{6}$");
        code.Should().MatchRegex("^[A-HJ-NP-Z2-9]{8}$");
        (await page.InnerTextAsync("main")).Should().Contain("请妥善保存登记编号和查询码");

        // Later, on another device: nothing but the number and the code.
        await using var other = await _browser.NewContextAsync();
        page = await other.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/track");
        await page.FillAsync("#trackingNumber", number);
        await page.FillAsync("#queryCode", code);
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForSelectorAsync("#stage");
        (await page.InnerTextAsync("#stage")).Trim().Should().Be("待受理");
        (await page.InnerTextAsync("#attachments")).Trim().Should().Be("现场记录.pdf", "the complainant sees the names of the files they sent");
        (await page.InnerTextAsync("main")).Should().NotContain("次仁卓玛");
    }

    [Fact]
    public async Task PublicPages_FileAComplaint_InTibetan()
    {
        var page = await _browser.NewPageAsync();

        await page.GotoAsync(_baseUrl + "/?lang=bo");
        (await page.GetAttributeAsync("html", "lang")).Should().Be("bo");
        (await page.InnerTextAsync("form button[type=submit]")).Trim().Should().Be("ཞུ་གཏུག་འབུལ།");
        await page.ClickAsync("form button[type=submit]");
        var summary = await page.WaitForSelectorAsync(".error-summary");
        var messages = await summary!.InnerTextAsync();
        messages.Should().MatchRegex("[\u0F00-\u0FFF]", "the validation messages are Tibetan too")
            .And.NotContain("请填写投诉举报的具体事实", "the Chinese API message is translated on the page");

        var (number, _) = await FileComplaintAsync(page, "/?lang=bo", "ཚེ་རིང་སྒྲོལ་མ");

        number.Should().MatchRegex(@"^TS-2026-\d{6}$");
        (await page.InnerTextAsync("h1")).Trim().Should().Be("ཞུ་ཡིག་ལེན་པའི་ལན་འཛིན།");
    }
}
