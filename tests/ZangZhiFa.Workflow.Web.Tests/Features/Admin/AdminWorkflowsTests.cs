using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Cli;
using ZangZhiFa.Workflow.Web.Features.Admin;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Admin.AdminApi;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Admin;

/// <summary>The admin API for definitions: who may use it, validation, drafts, publishing and retiring versions, diff and export.</summary>
public sealed class AdminWorkflowsTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/api/admin/workflows" },
        { "GET", "/api/admin/workflows/complaint-intake/versions/1" },
        { "POST", "/api/admin/workflows/complaint-intake/validate" },
        { "PUT", "/api/admin/workflows/complaint-intake/draft" },
        { "POST", "/api/admin/workflows/complaint-intake/publish" },
        { "GET", "/api/admin/workflows/complaint-intake/diff?from=1&to=1" },
        { "POST", "/api/admin/workflows/complaint-intake/versions/1/retire" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AdminEndpoint_Returns401_WhenAnonymous(string method, string url)
    {
        using var client = _host.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "GET" ? null : Body("{}") };

        var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AdminEndpoint_Returns403_WhenSignedInWithoutAdminRole(string method, string url)
    {
        using var clerk = await SignInAsync(_host, "clerk");
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "GET" ? null : Body("{}") };

        var response = await clerk.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AdminPages_RenderForAdminAndRedirectOthersToSignIn()
    {
        using var admin = await SignInAsync(_host);
        using var anonymous = _host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var list = await admin.GetStringAsync(new Uri("/admin/workflows", UriKind.Relative));
        var designer = await admin.GetAsync(new Uri("/admin/workflows/complaint-intake", UriKind.Relative));
        var refused = await anonymous.GetAsync(new Uri("/admin/workflows", UriKind.Relative));

        System.Net.WebUtility.HtmlDecode(list).Should().Contain("投诉举报办理").And.Contain("v1 已发布（0 件）");
        designer.StatusCode.Should().Be(HttpStatusCode.OK);
        refused.StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task DesignerPage_Answers404WithAPageSayingSo_WhenNoFlowHasTheId()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.GetAsync(new Uri("/admin/workflows/no-such-flow", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()).Should().Contain("未找到").And.Contain("href=\"/tasks\"");
    }

    [Fact]
    public async Task AdminPages_Answer403WithAPageSayingSo_WhenSignedInWithoutTheAdminRole()
    {
        using var clerk = await SignInAsync(_host, "clerk");

        var response = await clerk.GetAsync(new Uri("/admin/workflows", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("无权访问").And.Contain("href=\"/tasks\"");
    }

    [Fact]
    public async Task ListWorkflows_ReturnsShippedFlowsWithVersionOne_WhenNothingPublished()
    {
        using var admin = await SignInAsync(_host);

        var items = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/workflows"))!;

        items.Select(i => i!["id"]!.GetValue<string>()).Should().Contain(["complaint-intake", "legal-review", "accountability"]);
        var complaint = items.Single(i => i!["id"]!.GetValue<string>() == "complaint-intake")!;
        complaint["name"]!.GetValue<string>().Should().Be("投诉举报办理");
        complaint["versions"]!.AsArray().Should().ContainSingle()
            .Which!.ToJsonString().Should().Be("""{"number":1,"status":"published","instances":0,"faulted":0}""");
    }

    [Fact]
    public async Task Validate_ReturnsErrorsWithActivityAndProperty_WhenDefinitionIsBroken()
    {
        using var admin = await SignInAsync(_host);
        var definition = WorkflowDefinitionSerializer.Deserialize(await ExportAsync(admin, "complaint-intake", 1), "x");
        definition.FindActivity("acceptance")!.Properties["deadline"] = JsonNode.Parse("""{ "weeks": 2 }""");
        definition.Connections.RemoveAll(c => c.From == "decide" && c.Outcome == "不属实");

        var (response, body) = await PostAsync(admin, "/api/admin/workflows/complaint-intake/validate", WorkflowDefinitionSerializer.Serialize(definition));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body["valid"]!.GetValue<bool>().Should().BeFalse();
        var errors = body["errors"]!.AsArray();
        errors.Should().Contain(e => e!["activityId"]!.GetValue<string>() == "acceptance" && e["property"]!.GetValue<string>() == "deadline.weeks");
        errors.Should().Contain(e => e!["activityId"]!.GetValue<string>() == "decide" && e["message"]!.GetValue<string>().Contains("不属实"));
    }

    [Fact]
    public async Task Publish_Returns400WithTheValidateCommandsErrors_WhenDefinitionIsInvalid()
    {
        using var admin = await SignInAsync(_host);
        var definition = WorkflowDefinitionSerializer.Deserialize(await ExportAsync(admin, "complaint-intake", 1), "x");
        definition.Connections.Add(new ConnectionDefinition { From = "investigate", Outcome = "调查完毕", To = "nowhere" });
        definition.FindActivity("register")!.Properties["assign"]!["stage"] = "'待受理' +";
        var json = WorkflowDefinitionSerializer.Serialize(definition);

        var (response, body) = await PostAsync(admin, "/api/admin/workflows/complaint-intake/publish", json);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var folder = Directory.CreateTempSubdirectory("zzf-validate-").FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "workflows"), "*.json"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "complaint-intake.json"), json);
        using var cli = new StringWriter();
        ValidateCommand.Run([folder], cli).Should().Be(1);
        var cliErrors = cli.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[..^1];
        ErrorTexts(body).Should().BeEquivalentTo(cliErrors).And.HaveCountGreaterThanOrEqualTo(2);
        (await admin.GetAsync(new Uri("/api/admin/workflows/complaint-intake/versions/2", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Publish_StartsNewComplaintsOnTheNewVersion_WhileOlderOnesStayOnTheirs()
    {
        using var admin = await SignInAsync(_host);
        using var publicClient = _host.CreateClient();
        var (_, before) = await SubmitAsync(publicClient, ValidComplaint());

        var (response, body) = await PostAsync(admin, "/api/admin/workflows/complaint-intake/publish", WithLeadApproval(await ExportAsync(admin, "complaint-intake", 1)));
        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        body["version"]!.GetValue<int>().Should().Be(2);
        var (_, after) = await SubmitAsync(publicClient, ValidComplaint("2026年3月2日，执法人员在宇拓路扣押了我的三轮车，没有开具任何清单，也没有告知我申请复议的权利。"));

        var versions = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Instances.AsNoTracking()
            .Where(i => i.DefinitionId == "complaint-intake")
            .ToDictionaryAsync(i => i.CorrelationId!, i => i.DefinitionVersion));
        versions.Should().Equal(new Dictionary<string, int>
        {
            [before!["trackingNumber"]!.GetValue<string>()] = 1,
            [after!["trackingNumber"]!.GetValue<string>()] = 2,
        });
        var list = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/workflows"))!.Single(i => i!["id"]!.GetValue<string>() == "complaint-intake")!;
        list["versions"]!.ToJsonString().Should().Be("""[{"number":1,"status":"published","instances":1,"faulted":0},{"number":2,"status":"published","instances":1,"faulted":0}]""");
        var journal = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking()
            .SingleAsync(j => j.CorrelationId == WorkflowAdmin.JournalCasePrefix + "complaint-intake"));
        journal.Should().BeEquivalentTo(new { Event = "definition-published", Actor = "admin" }, o => o.ExcludingMissingMembers());
        journal.Summary.Should().Contain("v2").And.Contain("新增节点 lead_approval");
        var audit = (await admin.GetFromJsonAsync<JsonObject>("/api/audit/verify"))!;
        audit["intact"]!.GetValue<bool>().Should().BeTrue(audit.ToJsonString());
    }

    [Fact]
    public async Task Publish_KeepsTheVersionAcrossARestart_WhenHostRestartsOnTheSameData()
    {
        var data = Directory.CreateTempSubdirectory("zzf-restart-").FullName;
        string published;
        await using (var first = new WorkflowHost(data))
        {
            using var admin = await SignInAsync(first);
            var (response, _) = await PostAsync(admin, "/api/admin/workflows/complaint-intake/publish", WithLeadApproval(await ExportAsync(admin, "complaint-intake", 1)));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            published = await ExportAsync(admin, "complaint-intake", 2);
        }

        await using (var second = new WorkflowHost(data))
        {
            using var admin = await SignInAsync(second);
            (await ExportAsync(admin, "complaint-intake", 2)).Should().Be(published);
        }

        WorkflowHost.DeleteData(data);
    }

    [Fact]
    public async Task Startup_Fails_WhenAShippedFileClaimsAVersionAnAdminPublished()
    {
        var data = Directory.CreateTempSubdirectory("zzf-clash-").FullName;
        var workflows = Directory.CreateTempSubdirectory("zzf-clash-flows-").FullName;
        await using (var first = new WorkflowHost(data))
        {
            using var admin = await SignInAsync(first);
            (await PostAsync(admin, "/api/admin/workflows/complaint-intake/publish", WithLeadApproval(await ExportAsync(admin, "complaint-intake", 1)))).Response.EnsureSuccessStatusCode();
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "workflows")))
        {
            File.Copy(file, Path.Combine(workflows, Path.GetFileName(file)));
        }

        var shippedV2 = WorkflowDefinitionSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(workflows, "complaint-intake.json")), "x");
        shippedV2.Version = 2;
        await File.WriteAllTextAsync(Path.Combine(workflows, "complaint-intake-v2.json"), WorkflowDefinitionSerializer.Serialize(shippedV2));

        await using (var second = new WorkflowHost(data, settings: new Dictionary<string, string> { ["Paths:Workflows"] = workflows }))
        {
            var start = () => second.CreateClient();

            start.Should().Throw<InvalidOperationException>().WithMessage("*complaint-intake*v2*");
        }

        WorkflowHost.DeleteData(data);
        Directory.Delete(workflows, recursive: true);
    }

    [Fact]
    public async Task Diff_Returns404ProblemNamingTheVersion_WhenAVersionDoesNotExist()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.GetAsync(new Uri("/api/admin/workflows/complaint-intake/diff?from=1&to=5", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>().Should().Contain("v5");
    }

    [Fact]
    public async Task Diff_ListsAddedActivityAndRewiredConnections_BetweenVersionOneAndTwo()
    {
        using var admin = await SignInAsync(_host);
        (await PostAsync(admin, "/api/admin/workflows/complaint-intake/publish", WithLeadApproval(await ExportAsync(admin, "complaint-intake", 1)))).Response.EnsureSuccessStatusCode();

        var diff = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/workflows/complaint-intake/diff?from=1&to=2"))!;

        diff["addedActivities"]!.ToJsonString().Should().Be("""["lead_approval"]""");
        diff["removedActivities"]!.AsArray().Should().BeEmpty();
        diff["changedActivities"]!.AsArray().Should().BeEmpty();
        diff["addedConnections"]!.AsArray().Select(c => $"{c!["from"]}-{c["outcome"]}-{c["to"]}").Should().BeEquivalentTo(
            "accountability_check-不问责-lead_approval", "accountability_hook-done-lead_approval", "lead_approval-同意-notify_reply", "lead_approval-退回-decide");
        diff["removedConnections"]!.AsArray().Select(c => $"{c!["from"]}-{c["outcome"]}-{c["to"]}").Should().BeEquivalentTo(
            "accountability_check-不问责-notify_reply", "accountability_hook-done-notify_reply");
    }

    [Fact]
    public async Task ExportImportExport_IsByteForByteIdentical_ForEveryShippedFlow()
    {
        using var admin = await SignInAsync(_host);
        var ids = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "workflows"), "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal))
            .Select(f => WorkflowDefinitionSerializer.Deserialize(File.ReadAllText(f), f).Id)
            .ToList();
        ids.Should().HaveCountGreaterThanOrEqualTo(6);

        foreach (var id in ids)
        {
            var exported = await ExportAsync(admin, id, 1);
            var (validated, body) = await PostAsync(admin, $"/api/admin/workflows/{id}/validate", exported);
            body["valid"]!.GetValue<bool>().Should().BeTrue(id + ": " + body.ToJsonString());
            (await admin.PutAsync(new Uri($"/api/admin/workflows/{id}/draft", UriKind.Relative), Body(exported))).StatusCode.Should().Be(HttpStatusCode.NoContent, id);

            var reexported = await admin.GetStringAsync(new Uri($"/api/admin/workflows/{id}/draft", UriKind.Relative));

            reexported.Should().Be(exported, id);
        }

        var drafts = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/workflows"))!.Select(i => i!["versions"]!.AsArray().Last()!["status"]!.GetValue<string>());
        drafts.Should().AllBe("draft");
    }

    [Fact]
    public async Task SaveDraft_Returns400WithLineAndPosition_WhenBodyIsNotJson()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PutAsync(new Uri("/api/admin/workflows/complaint-intake/draft", UriKind.Relative), Body("{ \"id\": \"complaint-intake\",\n  \"name\": }"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        ErrorTexts(body).Should().ContainSingle().Which.Should().StartWith("complaint-intake.json: JSON 格式错误 (invalid JSON) 第 2 行");
    }

    [Fact]
    public async Task Retire_StartsNewComplaintsOnTheVersionBelow_WhileCasesOnTheRetiredOneCarryOn()
    {
        using var admin = await SignInAsync(_host);
        using var publicClient = _host.CreateClient();
        (await PostAsync(admin, "/api/admin/workflows/complaint-intake/publish", WithLeadApproval(await ExportAsync(admin, "complaint-intake", 1)))).Response.EnsureSuccessStatusCode();
        var (_, onTwo) = await SubmitAsync(publicClient, ValidComplaint());
        var runningNumber = onTwo!["trackingNumber"]!.GetValue<string>();

        var (retired, body) = await PostAsync(admin, "/api/admin/workflows/complaint-intake/versions/2/retire", "");

        retired.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var (_, afterRetire) = await SubmitAsync(publicClient, ValidComplaint("2026年3月2日，执法人员在宇拓路扣押了我的三轮车，没有开具任何清单。"));
        var versions = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Instances.AsNoTracking()
            .Where(i => i.DefinitionId == "complaint-intake")
            .ToDictionaryAsync(i => i.CorrelationId!, i => i.DefinitionVersion));
        versions.Should().Equal(new Dictionary<string, int> { [runningNumber] = 2, [afterRetire!["trackingNumber"]!.GetValue<string>()] = 1 });
        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        var accepted = await clerk.PostAsJsonAsync($"/api/tasks/{await StaffClients.TaskIdAsync(clerk, "acceptance", runningNumber)}/complete", new { outcome = "受理", fields = new { } });
        accepted.StatusCode.Should().Be(HttpStatusCode.OK, "a case on a retired version carries on");
        var list = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/workflows"))!.Single(i => i!["id"]!.GetValue<string>() == "complaint-intake")!;
        list["versions"]!.ToJsonString().Should().Be("""[{"number":1,"status":"published","instances":1,"faulted":0},{"number":2,"status":"retired","instances":1,"faulted":0}]""");
        var journal = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking()
            .Where(j => j.CorrelationId == WorkflowAdmin.JournalCasePrefix + "complaint-intake").Select(j => j.Event).ToListAsync());
        journal.Should().Equal("definition-published", "definition-retired");
    }

    [Fact]
    public async Task Retire_KeepsAShippedVersionRetiredAcrossARestart_AndTheNextPublishGoesAboveIt()
    {
        var data = Directory.CreateTempSubdirectory("zzf-retire-").FullName;
        await using (var first = new WorkflowHost(data))
        {
            using var admin = await SignInAsync(first);
            (await PostAsync(admin, "/api/admin/workflows/complaint-intake/publish", WithLeadApproval(await ExportAsync(admin, "complaint-intake", 1)))).Response.EnsureSuccessStatusCode();
            (await PostAsync(admin, "/api/admin/workflows/complaint-intake/versions/1/retire", "")).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await using (var second = new WorkflowHost(data))
        {
            using var admin = await SignInAsync(second);
            var list = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/workflows"))!.Single(i => i!["id"]!.GetValue<string>() == "complaint-intake")!;
            list["versions"]!.AsArray().Select(v => $"{v!["number"]}:{v["status"]}").Should().Equal("1:retired", "2:published");
            var (again, _) = await PostAsync(admin, "/api/admin/workflows/complaint-intake/versions/1/retire", "");
            again.StatusCode.Should().Be(HttpStatusCode.Conflict);
            var (published, body) = await PostAsync(admin, "/api/admin/workflows/complaint-intake/publish", await ExportAsync(admin, "complaint-intake", 2));
            published.StatusCode.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            body["version"]!.GetValue<int>().Should().Be(3);
        }

        WorkflowHost.DeleteData(data);
    }

    [Fact]
    public async Task Retire_Returns409ForTheLastVersionInUse_And404ForAnUnknownOne()
    {
        using var admin = await SignInAsync(_host);

        var (last, _) = await PostAsync(admin, "/api/admin/workflows/complaint-intake/versions/1/retire", "");
        var unknown = await admin.PostAsync(new Uri("/api/admin/workflows/complaint-intake/versions/9/retire", UriKind.Relative), null);

        last.StatusCode.Should().Be(HttpStatusCode.Conflict);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        _host.Services.GetRequiredService<DefinitionCatalog>().FindLatest("complaint-intake")!.Version.Should().Be(1);
    }
}
