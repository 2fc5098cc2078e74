using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZangZhiFa.Workflow.Engine.Tests.Support;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Staff;

/// <summary>
/// The README's pictures of the inbox and the public complaint form, taken in Chromium from a host with a few demo
/// complaints. Every run takes them and checks what they show; only with <c>ZZF_SCREENSHOTS=1</c> are they written
/// to <c>docs/inbox.png</c> and <c>docs/public-form.png</c> (so an ordinary test run leaves the repository alone):
/// <c>ZZF_SCREENSHOTS=1 dotnet test tests/ZangZhiFa.Workflow.Web.Tests --filter ScreenshotTests</c>.
/// </summary>
public sealed class ScreenshotTests : IAsyncLifetime
{
    private const int Wait = 20000;
    private const string Chromium = "/usr/bin/chromium";
    private readonly WorkflowHost _host = new();
    private WebApplicationFactory<Program> _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _baseUrl = "";
    private readonly string _folder = Environment.GetEnvironmentVariable("ZZF_SCREENSHOTS") == "1"
        ? Path.Combine(RepoPaths.Root, "docs")
        : Directory.CreateTempSubdirectory("zzf-shots-").FullName;

    public async Task InitializeAsync()
    {
        File.Exists(Chromium).Should().BeTrue("test.sh installs Debian's chromium before the tests run");
        // The style sheet comes from static web assets, which the host maps from the build's manifest only in
        // Development (the tests run as Testing): without this the pictures show unstyled pages.
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

    /// <summary>Complaints against different units and for different reasons, as a clerk's morning might bring.</summary>
    private static readonly (string Unit, string Category, string Description)[] DemoComplaints =
    [
        ("540102-cgzf", "野蛮执法", "2026年3月1日上午，城管执法人员在八廓街收缴我的摊位物品时未出示执法证件，并推搡我的家人。"),
        ("540102-scjg", "逐利执法", "市场监管所对我店铺同一问题一个月内罚款三次，每次都未告知陈述申辩的权利。"),
        ("540100-jtys", "简单粗暴执法", "交通执法人员在查验车辆时态度恶劣，扣押行驶证后拒绝出具扣押凭证。"),
        ("540103-cgzf", "不作为", "多次举报小区旁工地夜间施工噪音，城管执法部门一直未到场处理。"),
        ("540100-sthj", "“一刀切”执法", "生态环境部门要求全村牦牛养殖户一律停业整改，未区分是否达标排放。"),
    ];

    [Fact]
    public async Task Screenshots_ShowTheInboxWithTheDemoComplaints_AndThePublicForm()
    {
        using (var publicClient = _server.CreateClient())
        {
            foreach (var (unit, category, description) in DemoComplaints)
            {
                var complaint = ValidComplaint(description);
                complaint["respondentUnitCode"] = unit;
                complaint["category"] = category;
                (await SubmitAsync(publicClient, complaint)).Body.Should().NotBeNull();
            }
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/login?ReturnUrl=%2Ftasks");
        await page.FillAsync("#userName", "clerk");
        await page.FillAsync("#password", StaffClients.Password);
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForSelectorAsync("table.inbox", new PageWaitForSelectorOptions { Timeout = Wait });

        (await page.Locator("tr[data-task-id]").CountAsync()).Should().Be(DemoComplaints.Length, "自治区's clerk oversees every unit");
        (await page.InnerTextAsync("#count-all")).Should().Be(DemoComplaints.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var inbox = Path.Combine(_folder, "inbox.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = inbox, FullPage = true });

        var visitor = await (await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 }, Locale = "zh-CN" })).NewPageAsync();
        await visitor.GotoAsync(_baseUrl + "/");
        (await visitor.Locator("form textarea").CountAsync()).Should().BeGreaterThan(0, "the complaint form is on the home page");
        (await visitor.ContentAsync()).Should().Contain("投诉举报");
        var form = Path.Combine(_folder, "public-form.png");
        await visitor.ScreenshotAsync(new PageScreenshotOptions { Path = form, FullPage = true });

        foreach (var file in new[] { inbox, form })
        {
            var bytes = await File.ReadAllBytesAsync(file);
            bytes.Length.Should().BeGreaterThan(10_000);
            bytes[..4].Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
        }

        await context.DisposeAsync();
    }
}
