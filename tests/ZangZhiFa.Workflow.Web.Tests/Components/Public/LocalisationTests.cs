using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Resources;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Localization;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Public;

/// <summary>中文 ⇄ བོད་ཡིག on the public pages; the API stays Chinese whatever the page language.</summary>
public sealed class LocalisationTests : IAsyncLifetime
{
    private static readonly CultureInfo Tibetan = CultureInfo.GetCultureInfo("bo-CN");

    private readonly WorkflowHost _host = Browser.StubFlowHost();
    private Browser _browser = null!;

    public Task InitializeAsync()
    {
        _browser = new Browser(_host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _host.DisposeAsync();
    }

    private static bool IsTibetan(string? text) => text is not null && text.Any(c => c is >= '\u0F00' and <= '\u0FFF');

    private static bool HasChinese(string text) => text.Any(c => c is >= '\u4E00' and <= '\u9FFF');

    [Fact]
    public async Task Get_RendersTibetanAndRemembersIt_WhenLangIsBo()
    {
        var switched = await _browser.GetAsync("/?lang=bo");
        var later = await _browser.GetAsync("/track");
        var back = await _browser.GetAsync("/track?lang=zh");

        switched.Html.Should().Contain("<html lang=\"bo\">");
        switched.SetCookies.Should().Contain(c => c.StartsWith(".AspNetCore.Culture=c%3Dzh-CN%7Cuic%3Dbo-CN", StringComparison.Ordinal));
        switched.Text.Should().Contain("<h1>སྲིད་འཛིན་ཁྲིམས་ལག་བསྟར་སྐོར་གྱི་ཞུ་གཏུག་དང་གསལ་ཞུ།</h1>")
            .And.Contain("<label for=\"phone\">འབྲེལ་གཏུག་ཁ་པར།");
        switched.Text.Should().Contain("<option value=\"野蛮执法\">རྒོད་སྤྱོད་ཀྱི་ཁྲིམས་ལག་བསྟར།</option>", "the value stays the Chinese category");
        switched.Text.Should().Contain("<a href=\"/?lang=zh\" lang=\"zh-CN\" hreflang=\"zh-CN\" data-enhance-nav=\"false\">中文</a>");
        later.Html.Should().Contain("<html lang=\"bo\">");
        IsTibetan(later.ById("main")).Should().BeTrue();
        back.Html.Should().Contain("<html lang=\"zh-CN\">");
        back.Text.Should().Contain("<h1>查询办理进度</h1>");
    }

    [Fact]
    public async Task Post_ShowsTibetanMessagesAndKeepsValues_WhenThePageIsTibetan()
    {
        var form = await _browser.GetAsync("/?lang=bo");

        var page = await _browser.SubmitAsync(form, "/", "complaint",
        [
            new("Input.Token", form.InputValue("Input.Token")!),
            new("Input.ComplainantName", "ཚེ་རིང་སྒྲོལ་མ།"),
            new("Input.Phone", "12345"),
            new("Input.Description", "太凶了"),
        ]);

        page.Html.Should().Contain("<html lang=\"bo\">");
        page.ById("error-summary-title").Should().Be("ཕུལ་བའི་ནང་དོན་ལ་ནོར་འཁྲུལ་ཡོད། བརྡ་སྟོན་ལྟར་བཟོ་བཅོས་གཏོང་རོགས།");
        page.ById("phone-error").Should().Be("ནོར་འཁྲུལ། འབྲེལ་གཏུག་ཁ་པར་གྱི་རྣམ་གཞག་མི་འགྲིག (ལག་ཐོགས་ཁ་པར་ཨང་གྲངས་གནས་ 11 ཡང་ན་ས་ཁུལ་ཨང་རྟགས་ཅན་གྱི་ཁ་པར།)");
        foreach (var field in new[] { "phone", "respondentUnitCode", "category", "description" })
        {
            IsTibetan(page.ById($"{field}-error")).Should().BeTrue(field);
            page.ById($"{field}-error").Should().NotMatchRegex("[\u4e00-\u9fff]", $"{field} should have no Chinese left");
        }

        page.InputValue("Input.ComplainantName").Should().Be("ཚེ་རིང་སྒྲོལ་མ།");
    }

    [Fact]
    public async Task Post_RecordsTheTibetanLanguage_WhenSubmittedFromTheTibetanPage()
    {
        var form = await _browser.GetAsync("/?lang=bo");

        var receipt = await _browser.FollowAsync(await _browser.SubmitAsync(form, "/", "complaint", ComplaintFormTests.ValidForm(form)));

        receipt.ById("receipt-title").Should().Be("ཞུ་ཡིག་ལེན་པའི་ལན་འཛིན།");
        receipt.ById("tracking-number").Should().Be("TS-2026-000001");
        var stored = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Complaints.AsNoTracking().SingleAsync());
        stored.Language.Should().Be("bo");
    }

    [Fact]
    public async Task Api_KeepsChineseMessages_WhenTheCultureCookieSaysTibetan()
    {
        await _browser.GetAsync("/?lang=bo");

        var response = await _browser.Client.PostAsJsonAsync(new Uri("/api/complaints", UriKind.Relative), new { anonymous = false });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem["errors"]!["description"]![0]!.GetValue<string>().Should().Be("请填写投诉举报的具体事实");
    }

    [Fact]
    public void PublicText_TranslatesEveryEntry_WhenTheCultureIsTibetan()
    {
        var resources = new ResourceManager("ZangZhiFa.Workflow.Web.Localization.PublicText", typeof(PublicText).Assembly);
        var chinese = resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
        var tibetan = resources.GetResourceSet(CultureInfo.GetCultureInfo("bo"), createIfNotExists: true, tryParents: false)!;

        // Every entry is in the Tibetan file, and every one with Chinese words is in Tibetan script there
        // (a pure format such as "{0}：{1}" only changes its punctuation).
        var missing = chinese.Cast<System.Collections.DictionaryEntry>()
            .Where(e => tibetan.GetString((string)e.Key) is not { } bo || (HasChinese((string)e.Value!) && !IsTibetan(bo)))
            .Select(e => (string)e.Key)
            .ToList();

        chinese.Cast<object>().Should().HaveCountGreaterThan(50);
        missing.Should().BeEmpty();
    }

    [Fact]
    public async Task ValidationText_TranslatesEveryHandlerMessage_WhenTheCultureIsTibetan()
    {
        // Each request breaks rules the handlers check; together they reach every message they can give.
        JsonObject[] complaints =
        [
            new() { ["anonymous"] = false },
            new() { ["complainantName"] = new string('名', 101), ["phone"] = "12345", ["email"] = "x", ["idType"] = "学生证", ["category"] = "态度不好", ["occurredAt"] = "3/1/2026", ["description"] = "太凶了", ["language"] = "en", ["address"] = new string('址', 201), ["respondentOfficer"] = new string('员', 51) },
            new() { ["idNumber"] = "123", ["occurredAt"] = "2026-12-31", ["description"] = new string('事', 5001), ["respondentUnitCode"] = "999999" },
            new() { ["idType"] = "居民身份证", ["idNumber"] = "540102199001011230" },
            new() { ["idType"] = "护照", ["idNumber"] = new string('9', 31) },
        ];
        var messages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var complaint in complaints)
        {
            await CollectAsync(await _browser.Client.PostAsJsonAsync(new Uri("/api/complaints", UriKind.Relative), complaint));
        }

        // The attachment rules, through the multipart form of the same endpoint.
        var pdf = Features.Attachments.Uploads.Pdf();
        await CollectAsync(await _browser.Client.PostAsync(new Uri("/api/complaints", UriKind.Relative), Features.Attachments.Uploads.Form(new JsonObject(), [.. Enumerable.Range(0, 6).Select(i => ($"{i}.pdf", pdf))])));
        await CollectAsync(await _browser.Client.PostAsync(new Uri("/api/complaints", UriKind.Relative), Features.Attachments.Uploads.Form(
            new JsonObject(),
            ("空.pdf", []),
            ("大.pdf", Features.Attachments.Uploads.Sized(11 * 1024 * 1024, pdf)),
            ("setup.exe", Features.Attachments.Uploads.Exe()),
            ("发票.pdf", Features.Attachments.Uploads.Exe()))));
        await CollectAsync(await _browser.Client.PostAsJsonAsync(new Uri("/api/complaints/TS-2026-000001/satisfaction?queryCode=X", UriKind.Relative), new { rating = "还行", comment = new string('评', 1001) }));
        await CollectAsync(await _browser.Client.PostAsJsonAsync(new Uri("/api/complaints/TS-2026-000001/supplement?queryCode=X", UriKind.Relative), new { text = "" }));
        var resources = new ResourceManager("ZangZhiFa.Workflow.Web.Localization.ValidationText", typeof(ValidationText).Assembly);

        messages.Should().HaveCountGreaterThan(20);
        messages.Where(m => !IsTibetan(resources.GetString(m, Tibetan))).Should().BeEmpty("every message needs an entry in ValidationText.bo.resx");

        async Task CollectAsync(HttpResponseMessage response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
            foreach (var (_, list) in errors)
            {
                messages.UnionWith(list!.AsArray().Select(m => m!.GetValue<string>()));
            }
        }
    }
}
