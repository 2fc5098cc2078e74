using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.SupervisionDocuments;

/// <summary>POST /api/supervision-documents and the supervised unit's objection over HTTP with the demo accounts.</summary>
public sealed class IssueSupervisionDocumentTests : IAsyncLifetime
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

    private static object Decision(string unitCode = "540102-cgzf", string type = "决定书") => new
    {
        type,
        unitCode,
        subject = "八廓街占道经营整治",
        findings = "对摊主一律没收物品，未区分情节",
        requirement = "退还违法扣押的物品",
        basis = "《行政执法监督条例》",
    };

    private async Task<string> IssueAsync(HttpClient lead)
    {
        var response = await lead.PostAsJsonAsync("/api/supervision-documents", Decision());
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["caseNumber"]!.GetValue<string>();
    }

    [Fact]
    public async Task Issue_ServesTheDecisionAndGivesTheUnitItsCorrectionTask()
    {
        using var lead = await SignedInAsync("lead.chengguan");

        var caseNumber = await IssueAsync(lead);

        caseNumber.Should().Be("JD-2026-000001");
        using var officer = await SignedInAsync("officer.cgzf");
        var tasks = (await officer.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray();
        tasks.Select(t => t!["title"]!.GetValue<string>()).Should().Equal("落实监督决定：八廓街占道经营整治（JD-2026-000001）");
        var served = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Mails.AsNoTracking().Select(m => m.To).ToListAsync());
        served.Should().Contain("officer.cgzf@demo.zangzhifa.local");
    }

    [Fact]
    public async Task Objection_IsTakenOnceFromTheSupervisedUnitOnly()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        var caseNumber = await IssueAsync(lead);
        using var officer = await SignedInAsync("officer.cgzf");
        using var otherUnit = await SignedInAsync("officer.scjg");

        (await otherUnit.PostAsJsonAsync($"/api/supervision-documents/{caseNumber}/objection", new { reason = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await officer.PostAsJsonAsync($"/api/supervision-documents/{caseNumber}/objection", new { reason = "" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await officer.PostAsJsonAsync($"/api/supervision-documents/{caseNumber}/objection", new { reason = "扣押物品系依法实施" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await officer.PostAsJsonAsync($"/api/supervision-documents/{caseNumber}/objection", new { reason = "再次异议" })).StatusCode.Should().Be(HttpStatusCode.Conflict);

        var leadTasks = (await lead.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray();
        leadTasks.Select(t => t!["title"]!.GetValue<string>()).Should().Contain("答复监督决定异议：八廓街占道经营整治（JD-2026-000001）");
    }

    [Fact]
    public async Task Objection_Returns400WithAChineseTitleNamingTheReason_WhenItIsMissing()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        var caseNumber = await IssueAsync(lead);
        using var officer = await SignedInAsync("officer.cgzf");

        var response = await officer.PostAsJsonAsync($"/api/supervision-documents/{caseNumber}/objection", new { });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["title"]!.GetValue<string>().Should().Be("提交内容有误，请按提示修改", "every answer of the API is in Chinese");
        problem["errors"]!["reason"]![0]!.GetValue<string>().Should().Be("请填写异议理由");
    }

    [Fact]
    public async Task Issue_Returns400NamingFields_WhenTheUnitIsOutsideScopeAndTheTypeUnknown()
    {
        using var lead = await SignedInAsync("lead.chengguan");

        var response = await lead.PostAsJsonAsync("/api/supervision-documents", Decision(unitCode: "540103-cgzf", type: "警告书"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().BeEquivalentTo(["type", "unitCode"]);
    }

    [Fact]
    public async Task Issue_Returns403_WhenTheUserIsNotASupervisionLead()
    {
        using var clerk = await SignedInAsync("clerk.chengguan");

        (await clerk.PostAsJsonAsync("/api/supervision-documents", Decision())).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
