using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Cases;

/// <summary>
/// The case file of staff-started cases while no task of the reader's reaches it: the units a flow names in its
/// <c>caseAccess</c> variables (and those above them) may open it; everyone else still gets 404.
/// </summary>
public sealed class CaseUnitAccessTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpStatusCode> OpenAsAsync(string userName, string path)
    {
        using var client = await StaffClients.SignedInAsync(_host, userName);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    private static async Task<string> CaseNumberAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["caseNumber"]!.GetValue<string>();
    }

    [Fact]
    public async Task CaseFile_OpensForTheSubmittingUnit_WhileItsReviewWaitsInThePool()
    {
        using var officer = await StaffClients.SignedInAsync(_host, "officer.cgzf");
        var number = await CaseNumberAsync(await officer.PostAsJsonAsync("/api/legal-reviews", new
        {
            caseName = "某餐饮公司违规排放油烟案",
            caseNumber = "城管罚〔2026〕21号",
            partyName = "拉萨某餐饮管理有限公司",
            partyType = "单位",
            facts = "当事人未安装油烟净化设施，经责令限期改正逾期未改正",
            evidence = "现场检查笔录、检测报告",
            proposedDecision = "罚款150000元",
            fineAmount = 150000,
            basis = "《中华人民共和国大气污染防治法》第一百一十八条",
        }));

        var file = await officer.GetFromJsonAsync<JsonObject>($"/api/cases/{number}");

        file!["tasks"]!.AsArray().Should().ContainSingle().Which!["assigneeUser"].Should().BeNull("the review still waits in the pool");
        (await OpenAsAsync("leader.cgzf", $"/cases/{number}")).Should().Be(HttpStatusCode.OK);
        (await OpenAsAsync("officer.cgzf", $"/api/legal-reviews/{number}/attachments")).Should().Be(HttpStatusCode.OK);
        (await OpenAsAsync("officer.scjg", $"/api/cases/{number}")).Should().Be(HttpStatusCode.NotFound, "a sister unit has nothing to do with it");
    }

    [Fact]
    public async Task CaseFile_OpensForTheLeadsUnitAndAbove_WhileTheAccountabilityCaseWaitsForTheStatement()
    {
        using var lead = await StaffClients.SignedInAsync(_host, "lead.chengguan");
        var number = await CaseNumberAsync(await lead.PostAsJsonAsync("/api/accountability", new
        {
            officerName = "巴桑",
            officerUnitCode = "540102-cgzf",
            summary = "在八廓街收缴摊位物品时未出示执法证件",
        }));

        var file = await lead.GetFromJsonAsync<JsonObject>($"/api/cases/{number}");

        file!["tasks"]!.AsArray().Should().BeEmpty("the flow waits for the officer's statement");
        file["notices"]!.AsArray().Select(n => n!["title"]!.GetValue<string>()).Should().Contain(t => t.Contains("陈述申辩"));
        (await OpenAsAsync("lead", $"/api/cases/{number}")).Should().Be(HttpStatusCode.OK, "the region supervises Chengguan");
        (await OpenAsAsync("officer.cgzf", $"/api/cases/{number}")).Should().Be(HttpStatusCode.NotFound, "the officer's unit is the party, not a reader");
    }

    [Fact]
    public async Task CaseFile_OpensForTheIssuerAndTheServedUnit_WhenTheDocumentOpensNoTask()
    {
        using var lead = await StaffClients.SignedInAsync(_host, "lead.chengguan");
        var number = await CaseNumberAsync(await lead.PostAsJsonAsync("/api/supervision-documents", new
        {
            type = "意见书",
            unitCode = "540102-cgzf",
            subject = "八廓街占道经营整治",
            findings = "对摊主一律没收物品，未区分情节",
            requirement = "建议区分情节，依法处理",
            basis = "《行政执法监督条例》",
        }));

        (await OpenAsAsync("lead.chengguan", $"/api/cases/{number}")).Should().Be(HttpStatusCode.OK);
        (await OpenAsAsync("officer.cgzf", $"/api/cases/{number}")).Should().Be(HttpStatusCode.OK, "the document is addressed to their unit");
        (await OpenAsAsync("officer.scjg", $"/api/cases/{number}")).Should().Be(HttpStatusCode.NotFound);
    }
}
