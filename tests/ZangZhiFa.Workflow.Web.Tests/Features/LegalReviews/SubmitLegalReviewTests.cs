using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Features.Attachments;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.LegalReviews;

/// <summary>
/// POST /api/legal-reviews over HTTP with the demo accounts: who may submit, what a bad submission hears, and who
/// sees the review task — the unit's own reviewer, or the 城关区 pool first come first served.
/// </summary>
public sealed class SubmitLegalReviewTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpClient> SignedInAsync(string userName)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password = "Demo#2026" })).StatusCode.Should().Be(HttpStatusCode.OK);
        return client;
    }

    private static object Proposal(decimal fine = 150000, string partyType = "单位") => new
    {
        caseName = "某餐饮公司违规排放油烟案",
        caseNumber = "城管罚〔2026〕21号",
        partyName = "拉萨某餐饮管理有限公司",
        partyType,
        facts = "当事人未安装油烟净化设施，经责令限期改正逾期未改正",
        evidence = "现场检查笔录、检测报告",
        proposedDecision = $"罚款{fine}元",
        fineAmount = fine,
        basis = "《中华人民共和国大气污染防治法》第一百一十八条",
    };

    private static async Task<List<string>> TaskTitlesAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray().Select(t => t!["title"]!.GetValue<string>())];

    [Fact]
    public async Task Submit_OpensAPoolTaskForTheCountyReviewers_WhenTheUnitHasNoReviewerOfItsOwn()
    {
        using var officer = await SignedInAsync("officer.cgzf");

        var response = await officer.PostAsJsonAsync("/api/legal-reviews", Proposal());

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["caseNumber"]!.GetValue<string>().Should().Be("FS-2026-000001");
        (body["stage"]!.GetValue<string>(), body["reviewRequired"]!.GetValue<bool>()).Should().Be(("待审核", true));

        const string title = "法制审核：某餐饮公司违规排放油烟案（FS-2026-000001）";
        using var county = await SignedInAsync("reviewer.chengguan");
        using var market = await SignedInAsync("reviewer.scjg");
        using var region = await SignedInAsync("reviewer");
        (await TaskTitlesAsync(county)).Should().Contain(title);
        (await TaskTitlesAsync(market)).Should().Contain(title, "the pool draws on reviewers of the units under the 司法局");
        (await TaskTitlesAsync(region)).Should().NotContain(title, "a pool task is open to its candidates only, not to everyone above");
    }

    [Fact]
    public async Task Claim_TakesThePoolTaskAwayFromTheOtherCandidates()
    {
        using var officer = await SignedInAsync("officer.cgzf");
        (await officer.PostAsJsonAsync("/api/legal-reviews", Proposal())).StatusCode.Should().Be(HttpStatusCode.Created);
        using var county = await SignedInAsync("reviewer.chengguan");
        using var market = await SignedInAsync("reviewer.scjg");
        var task = (await county.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray().Single()!;
        var id = task["id"]!.GetValue<Guid>();

        (await county.PostAsync(new Uri($"/api/tasks/{id}/claim", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await TaskTitlesAsync(market)).Should().BeEmpty();
        var late = await market.PostAsJsonAsync($"/api/tasks/{id}/complete", new { outcome = "退回补充材料", fields = new { missing = "检测报告原件" } });
        late.StatusCode.Should().Be(HttpStatusCode.NotFound, "first come first served: the claim decided it");
        var lateClaim = await market.PostAsync(new Uri($"/api/tasks/{id}/claim", UriKind.Relative), null);
        lateClaim.StatusCode.Should().Be(HttpStatusCode.Conflict, "the other candidate saw the task a moment ago");
        (await lateClaim.Content.ReadAsStringAsync()).Should().Contain("该任务已由 reviewer.chengguan 签收");
        using var region = await SignedInAsync("reviewer");
        (await region.PostAsync(new Uri($"/api/tasks/{id}/claim", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NotFound,
            "a reviewer who was never a candidate learns nothing about the pool task");
    }

    [Fact]
    public async Task Submit_StaysWithTheUnitsOwnReviewer_WhenItHasOne()
    {
        using var officer = await SignedInAsync("officer.scjg");

        (await officer.PostAsJsonAsync("/api/legal-reviews", Proposal())).StatusCode.Should().Be(HttpStatusCode.Created);

        using var own = await SignedInAsync("reviewer.scjg");
        using var county = await SignedInAsync("reviewer.chengguan");
        (await TaskTitlesAsync(own)).Should().ContainSingle();
        (await TaskTitlesAsync(county)).Should().BeEmpty();
    }

    [Fact]
    public async Task Submit_GoesStraightToTheDecision_WhenTheCatalogueDoesNotApply()
    {
        using var officer = await SignedInAsync("officer.cgzf");

        var response = await officer.PostAsJsonAsync("/api/legal-reviews", Proposal(fine: 2000));

        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        (body["stage"]!.GetValue<string>(), body["reviewRequired"]!.GetValue<bool>()).Should().Be(("无需法制审核", false));
        (await TaskTitlesAsync(officer)).Should().Equal("作出执法决定：某餐饮公司违规排放油烟案（FS-2026-000001）");
    }

    [Fact]
    public async Task Submit_Returns400NamingEachField_WhenTheProposalIsIncomplete()
    {
        using var officer = await SignedInAsync("officer.cgzf");

        var response = await officer.PostAsJsonAsync("/api/legal-reviews", new { caseName = "", partyType = "公司", fineAmount = -1 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo(["caseName", "partyName", "partyType", "facts", "proposedDecision", "basis", "fineAmount"]);
        errors["partyType"]![0]!.GetValue<string>().Should().Be("当事人类型须为“个人”或“单位”");
        (await TaskTitlesAsync(officer)).Should().BeEmpty("nothing was started");
    }

    [Theory]
    [InlineData("clerk.chengguan")]
    [InlineData("reviewer.chengguan")]
    public async Task Submit_Returns403_WhenTheUserIsNotAnEnforcementUnitsHandler(string userName)
    {
        using var client = await SignedInAsync(userName);

        (await client.PostAsJsonAsync("/api/legal-reviews", Proposal())).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Submit_Returns401_WhenNotSignedIn()
    {
        using var client = _host.CreateClient();

        (await client.PostAsJsonAsync("/api/legal-reviews", Proposal())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CaseFile_OpensForThePoolReviewer_AndNotForAnUnrelatedUnit()
    {
        using var officer = await SignedInAsync("officer.cgzf");
        (await officer.PostAsJsonAsync("/api/legal-reviews", Proposal())).StatusCode.Should().Be(HttpStatusCode.Created);
        using var reviewer = await SignedInAsync("reviewer.scjg");
        using var stranger = await SignedInAsync("officer.scjg");

        var file = await reviewer.GetAsync(new Uri("/api/cases/FS-2026-000001", UriKind.Relative));

        file.StatusCode.Should().Be(HttpStatusCode.OK);
        (await file.Content.ReadAsStringAsync()).Should().Contain("法制审核：某餐饮公司违规排放油烟案（FS-2026-000001）");
        (await stranger.GetAsync(new Uri("/api/cases/FS-2026-000001", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Submit_Returns500NamingTheCase_AndTheAdminListShowsIt_WhenThePublishedCatalogueFailsAtRunTime()
    {
        using var admin = await Admin.AdminApi.SignInAsync(_host);
        var flow = JsonNode.Parse(await Admin.AdminApi.ExportAsync(admin, "legal-review", 1))!.AsObject();
        flow["version"] = 2;
        var catalogue = flow["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "catalogue")!;
        // Parses (so validation passes) but fails on a real proposal: a sandboxed script reaches no .NET method.
        catalogue["properties"]!["rules"]![0]!["when"] = "proposal.GetType().Assembly != null";
        (await Admin.AdminApi.PostAsync(admin, "/api/admin/workflows/legal-review/publish", flow.ToJsonString())).Response.EnsureSuccessStatusCode();
        using var officer = await SignedInAsync("officer.cgzf");

        var response = await officer.PostAsJsonAsync("/api/legal-reviews", Proposal());

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError, "the case will not move: saying 201 would be a lie");
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["title"]!.GetValue<string>().Should().Be("案件 FS-2026-000001 已登记，但流程运行出错，未能进入下一步。请联系系统管理员处理。");
        problem["caseNumber"]!.GetValue<string>().Should().Be("FS-2026-000001");
        var listed = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/workflows"))!.Single(i => i!["id"]!.GetValue<string>() == "legal-review")!;
        listed["versions"]!.AsArray().Single(v => v!["number"]!.GetValue<int>() == 2)!["faulted"]!.GetValue<int>().Should().Be(1);
        listed["faults"]!.AsArray().Should().ContainSingle().Which!["caseNumber"]!.GetValue<string>().Should().Be("FS-2026-000001");
        WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/workflows", UriKind.Relative))).Should().Contain("v2 已发布（1 件，出错 1 件）").And.Contain("FS-2026-000001 · v2");
        (await officer.GetAsync(new Uri("/api/cases/FS-2026-000001", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK, "the submitting unit can still open what it filed");
    }

    private static JsonObject ProposalFields() => new()
    {
        ["caseName"] = "某餐饮公司违规排放油烟案",
        ["partyName"] = "拉萨某餐饮管理有限公司",
        ["partyType"] = "单位",
        ["facts"] = "未安装油烟净化设施",
        ["proposedDecision"] = "罚款150000元",
        ["fineAmount"] = "150000",
        ["hearingHeld"] = "true",
        ["basis"] = "《中华人民共和国大气污染防治法》第一百一十八条",
    };

    [Fact]
    public async Task Submit_KeepsTheFilesForTheReviewer_WhenSentAsMultipart()
    {
        using var officer = await SignedInAsync("officer.cgzf");
        var pdf = Uploads.Pdf("听证");

        var response = await officer.PostAsync(new Uri("/api/legal-reviews", UriKind.Relative), Uploads.Form(ProposalFields(), ("听证笔录.pdf", pdf)));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        using var reviewer = await SignedInAsync("reviewer.chengguan");
        var files = (await reviewer.GetFromJsonAsync<JsonArray>("/api/legal-reviews/FS-2026-000001/attachments"))!;
        files.Select(f => f!["fileName"]!.GetValue<string>()).Should().Equal("听证笔录.pdf");
        var download = await reviewer.GetAsync(new Uri($"/api/legal-reviews/FS-2026-000001/attachments/{files[0]!["id"]}", UriKind.Relative));
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(pdf);
        using var stranger = await SignedInAsync("officer.scjg");
        (await stranger.GetAsync(new Uri("/api/legal-reviews/FS-2026-000001/attachments", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var task = (await reviewer.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray().Single()!;
        var verdicts = new JsonObject { ["transfer"] = "否" };
        foreach (var item in new[] { "subject", "authority", "procedure", "facts", "evidence", "lawApplied", "discretion", "documents" })
        {
            verdicts[item] = "符合";
        }

        (await reviewer.PostAsJsonAsync($"/api/tasks/{task["id"]}/complete", new { outcome = "同意", fields = verdicts })).StatusCode.Should().Be(HttpStatusCode.OK);
        var opinion = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Notices.AsNoTracking().SingleAsync(n => n.Title == "重大执法决定法制审核意见书"));
        opinion.Html.Should().Contain("附件：<ol><li>听证笔录.pdf</li></ol>").And.Contain("经过听证程序");
        opinion.Html.Should().Contain("审核人员：城关区法制审核员", "the opinion names the reviewer as people know them, not by their login");
    }

    [Fact]
    public async Task Submit_Returns400AndStartsNothing_WhenAFileIsNotWhatItsNameSays()
    {
        using var officer = await SignedInAsync("officer.cgzf");

        var response = await officer.PostAsync(new Uri("/api/legal-reviews", UriKind.Relative), Uploads.Form(ProposalFields(), ("决定书.pdf", Uploads.Exe())));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Equal("attachments[0]");
        var (instances, files) = await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            return (await db.Instances.CountAsync(i => i.DefinitionId == "legal-review"), await db.LegalReviewAttachments.CountAsync());
        });
        (instances, files).Should().Be((0, 0));
    }
}
