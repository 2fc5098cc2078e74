using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Accountability;

/// <summary>POST /api/accountability and its statement / 复核 signals over HTTP with the demo accounts.</summary>
public sealed class OpenAccountabilityCaseTests : IAsyncLifetime
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

    private static object Case(string unit = "540102-cgzf") => new
    {
        officerName = "巴桑",
        officerUnitCode = unit,
        officerEmail = "basang@example.test",
        summary = "在八廓街收缴摊位物品时未出示执法证件",
        facts = "执法记录仪显示未出示证件",
    };

    private Task<JsonObject> VariablesAsync(string caseNumber) =>
        _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var json = await db.Instances.Where(i => i.CorrelationId == caseNumber).Select(i => i.VariablesJson).SingleAsync();
            return JsonNode.Parse(json)!.AsObject();
        });

    [Fact]
    public async Task Open_FilesTheCaseAndWaitsForTheStatement_WhenALeadFilesItInScope()
    {
        using var lead = await SignedInAsync("lead.chengguan");

        var response = await lead.PostAsJsonAsync("/api/accountability", Case());

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var caseNumber = (await response.Content.ReadFromJsonAsync<JsonObject>())!["caseNumber"]!.GetValue<string>();
        caseNumber.Should().Be("WZ-2026-000001");
        var variables = await VariablesAsync(caseNumber);
        variables["stage"]!.GetValue<string>().Should().Be("陈述申辩");
        variables["supervisingUnitName"]!.GetValue<string>().Should().Be("城关区司法局");

        var statement = await lead.PostAsJsonAsync($"/api/accountability/{caseNumber}/statement", new { text = "当时证件佩戴在胸前" });
        statement.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await VariablesAsync(caseNumber))["statement"]!["text"]!.GetValue<string>().Should().Be("当时证件佩戴在胸前");

        var again = await lead.PostAsJsonAsync($"/api/accountability/{caseNumber}/statement", new { text = "补充说明" });
        again.StatusCode.Should().Be(HttpStatusCode.Conflict, "the statement was already taken");
        var early = await lead.PostAsJsonAsync($"/api/accountability/{caseNumber}/reconsideration", new { reason = "处理过重" });
        early.StatusCode.Should().Be(HttpStatusCode.Conflict, "there is no decision to review yet");
    }

    [Fact]
    public async Task Statement_Returns400WithAChineseTitleNamingTheText_WhenTheTextIsEmpty()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        var caseNumber = (await (await lead.PostAsJsonAsync("/api/accountability", Case())).Content.ReadFromJsonAsync<JsonObject>())!["caseNumber"]!.GetValue<string>();

        var response = await lead.PostAsJsonAsync($"/api/accountability/{caseNumber}/statement", new { text = "" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["title"]!.GetValue<string>().Should().Be("提交内容有误，请按提示修改", "every answer of the API is in Chinese");
        problem["errors"]!["text"]![0]!.GetValue<string>().Should().Be("请填写陈述申辩内容");
        (await VariablesAsync(caseNumber))["statement"].Should().BeNull();
    }

    [Fact]
    public async Task Investigation_TellsTheHandlerWhatTheCaseIsAbout_OnTheTaskPage()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        var caseNumber = (await (await lead.PostAsJsonAsync("/api/accountability", Case())).Content.ReadFromJsonAsync<JsonObject>())!["caseNumber"]!.GetValue<string>();
        (await lead.PostAsJsonAsync($"/api/accountability/{caseNumber}/statement", new { text = "当时证件佩戴在胸前" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var handler = await SignedInAsync("handler.lasa");
        var task = (await handler.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray().Single(t => t!["caseNumber"]!.GetValue<string>() == caseNumber)!;

        var page = System.Net.WebUtility.HtmlDecode(await handler.GetStringAsync(new Uri($"/tasks/{task["id"]}", UriKind.Relative)));

        page.Should().Contain("问题概述：在八廓街收缴摊位物品时未出示执法证件。执法人员：巴桑（城关区城市管理综合行政执法局）。", "the task names what the case is about, not only its number")
            .And.Contain("当时证件佩戴在胸前", "the officer's statement is there to be checked");
    }

    [Fact]
    public async Task Open_Returns400NamingTheUnit_WhenTheOfficersUnitIsOutsideTheLeadsScope()
    {
        using var lead = await SignedInAsync("lead.chengguan");

        var response = await lead.PostAsJsonAsync("/api/accountability", Case(unit: "540100-cgzf"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Equal("officerUnitCode");
    }

    [Fact]
    public async Task Open_Returns403_WhenTheUserIsNotASupervisionLead()
    {
        using var clerk = await SignedInAsync("clerk.chengguan");

        (await clerk.PostAsJsonAsync("/api/accountability", Case())).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Statement_Returns404_WhenTheCaseIsOutsideTheUsersScope()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        var created = await lead.PostAsJsonAsync("/api/accountability", Case());
        var caseNumber = (await created.Content.ReadFromJsonAsync<JsonObject>())!["caseNumber"]!.GetValue<string>();
        using var reviewer = await SignedInAsync("reviewer.scjg");
        using var otherUnit = await SignedInAsync("officer.cgzf");

        (await reviewer.PostAsJsonAsync($"/api/accountability/{caseNumber}/statement", new { text = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await otherUnit.PostAsJsonAsync($"/api/accountability/{caseNumber}/statement", new { text = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound, "the officer's own unit does not record statements in its own case");
        (await VariablesAsync(caseNumber))["statement"].Should().BeNull();
    }
}
