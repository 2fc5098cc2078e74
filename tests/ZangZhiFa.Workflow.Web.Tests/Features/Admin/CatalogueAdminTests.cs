using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Admin.AdminApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Admin;

/// <summary>The legal-review catalogue and the exemption criteria: edited as lists, saved into the flow's draft, effective once published, journaled.</summary>
public sealed class CatalogueAdminTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SaveRules_MakesALowerThresholdMandatoryOncePublished_AndJournals()
    {
        using var admin = await SignInAsync(_host);
        using var officer = await SignInAsync(_host, "officer.cgzf");
        var catalogue = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/catalogues/legal-review"))!;
        catalogue["source"]!.GetValue<string>().Should().Be("v1");
        var rules = catalogue["items"]!.AsArray().Select(r => r!.AsObject()).ToList();
        rules.Add(new JsonObject { ["id"] = "fine_organisation_5000", ["label"] = "对单位处以5000元以上罚款（试行）", ["when"] = "proposal.partyType == '单位' && (proposal.fineAmount ?? 0) >= 5000" });

        var saved = await admin.PutAsJsonAsync("/api/admin/catalogues/legal-review", new { rules });
        var before = await SubmitAsync(officer, "某商店违规经营案一");
        var draft = await admin.GetStringAsync(new Uri("/api/admin/workflows/legal-review/draft", UriKind.Relative));
        var published = await admin.PostAsync(new Uri("/api/admin/workflows/legal-review/publish", UriKind.Relative), Body(draft));
        var after = await SubmitAsync(officer, "某商店违规经营案二");

        saved.StatusCode.Should().Be(HttpStatusCode.NoContent);
        draft.Should().Contain("fine_organisation_5000");
        before.Should().BeFalse("the draft is not in use until it is published");
        published.StatusCode.Should().Be(HttpStatusCode.OK);
        after.Should().BeTrue();
        var line = (await JournalAsync("admin:catalogue:legal-review")).Should().ContainSingle().Subject;
        line.Actor.Should().Be("admin");
        line.Summary.Should().Contain("修改前：").And.Contain("修改后：");
        line.Summary![..line.Summary.IndexOf("修改后：", StringComparison.Ordinal)].Should().NotContain("fine_organisation_5000");
        line.Summary[line.Summary.IndexOf("修改后：", StringComparison.Ordinal)..].Should().Contain("fine_organisation_5000");
        (await JournalAsync("admin:workflow:legal-review")).Select(j => j.Event).Should().Equal("definition-draft-saved", "definition-published");
    }

    [Fact]
    public async Task SaveRules_Returns400AndWritesNoDraft_WhenConditionDoesNotParse()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PutAsJsonAsync("/api/admin/catalogues/legal-review", new { rules = new[] { new { id = "broken", label = "坏条件", when = "proposal.fineAmount >= (" } } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("catalogue");
        (await admin.GetAsync(new Uri("/api/admin/workflows/legal-review/draft", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await JournalAsync("admin:catalogue:legal-review")).Should().BeEmpty();
    }

    [Fact]
    public async Task SaveCriteria_RewritesFormAndGroundsCheckInTheDraft_AndJournals()
    {
        using var admin = await SignInAsync(_host);
        var criteria = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/catalogues/exemptions"))!["items"]!.AsArray().Select(c => c!.AsObject()).ToList();
        criteria.Should().Contain(c => c["name"]!.GetValue<string>() == "lawUnclear");
        criteria.Add(new JsonObject { ["name"] = "pilotReform", ["label"] = "在改革试点中先行先试出现失误，且已及时纠正" });

        var saved = await admin.PutAsJsonAsync("/api/admin/catalogues/exemptions", new { criteria });
        var duplicate = await admin.PutAsJsonAsync("/api/admin/catalogues/exemptions", new { criteria = new[] { new { name = "reasons", label = "与理由字段同名" } } });

        saved.StatusCode.Should().Be(HttpStatusCode.NoContent);
        duplicate.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var draft = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/admin/workflows/accountability/draft", UriKind.Relative)))!;
        var activities = draft["activities"]!.AsArray();
        var form = activities.Single(a => a!["id"]!.GetValue<string>() == "determine")!["properties"]!["form"]!.AsArray();
        form.Should().Contain(f => f!["name"]!.GetValue<string>() == "pilotReform" && f["label"]!.GetValue<string>() == "免责：在改革试点中先行先试出现失误，且已及时纠正");
        form.Should().Contain(f => f!["name"]!.GetValue<string>() == "reasons", "other fields stay");
        activities.Single(a => a!["id"]!.GetValue<string>() == "grounds_check")!["properties"]!["cases"]![0]!["when"]!.GetValue<string>()
            .Should().Contain("determine.fields.pilotReform == true").And.Contain("determine.fields.lawUnclear == true");
        (await JournalAsync("admin:catalogue:accountability")).Should().ContainSingle().Which.Summary.Should().Contain("pilotReform");
    }

    [Fact]
    public async Task CataloguesPage_ShowsBothLists_ForAdmin()
    {
        using var admin = await SignInAsync(_host);

        var html = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/catalogues", UriKind.Relative)));

        html.Should().Contain("对单位处以10万元以上罚款").And.Contain("因不可抗力导致不能履行职责");
    }

    private static async Task<bool> SubmitAsync(HttpClient officer, string caseName)
    {
        var response = await officer.PostAsJsonAsync("/api/legal-reviews", new
        {
            caseName,
            caseNumber = "城管罚〔2026〕30号",
            partyName = "拉萨某商贸有限公司",
            partyType = "单位",
            facts = "占道经营，经责令改正逾期未改正",
            evidence = "现场检查笔录",
            proposedDecision = "罚款6000元",
            fineAmount = 6000,
            basis = "《城市市容和环境卫生管理条例》第三十六条",
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["reviewRequired"]!.GetValue<bool>();
    }

    private Task<List<JournalEntry>> JournalAsync(string caseKey) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking().Where(j => j.CaseKey == caseKey).OrderBy(j => j.Sequence).ToListAsync());
}
