using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Admin.AdminApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Admin;

/// <summary>试运行: a flow runs in the sandbox step by step, on its own clock, and the real database never hears of it.</summary>
public sealed class TryWorkflowTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Sandbox_WalksComplaintIntakeAndEscalates_WithoutWritingRealCases()
    {
        using var admin = await SignInAsync(_host);
        var before = await CountsAsync();

        var started = await admin.PostAsJsonAsync("/api/admin/workflows/complaint-intake/sandbox", new { draft = false });
        started.StatusCode.Should().Be(HttpStatusCode.Created);
        var state = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        var session = state["sessionId"]!.GetValue<Guid>();
        var acceptance = OpenTask(state, "acceptance");
        acceptance["title"]!.GetValue<string>().Should().Contain("受理审查").And.Contain("TS-2026-900001");
        Notices(state).Should().Contain("投诉举报受理回执");

        state = await PostAsync(admin, $"/api/admin/sandbox/{session}/tasks/{acceptance["id"]}/complete", new { outcome = "受理", fields = new { basis = "《信访工作条例》" } });
        OpenTasks(state).Should().Equal(["investigate"], "the run goes on to 调查核实 (fault: {0})", state["fault"]);
        Notices(state).Should().Contain("投诉举报受理告知书");
        Path(state).Should().Contain("acceptance:resumed:受理");

        state = await PostAsync(admin, $"/api/admin/sandbox/{session}/advance", new { days = 45 });
        Path(state).Should().Contain(p => p.StartsWith("escalate_investigate:", StringComparison.Ordinal));
        Notices(state).Should().Contain("督办通知书");
        DateTimeOffset.Parse(state["nowUtc"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().Be(WorkflowHost.Monday0900.AddDays(45));

        (await CountsAsync()).Should().Be(before, "the sandbox writes no instance, task, notice, mail or complaint");
        _host.Time.GetUtcNow().Should().Be(WorkflowHost.Monday0900, "the host's clock does not move with the sandbox's");
    }

    [Fact]
    public async Task SandboxComplete_Returns400NamingTheField_WhenRequiredFieldMissing()
    {
        using var admin = await SignInAsync(_host);
        var state = (await (await admin.PostAsJsonAsync("/api/admin/workflows/complaint-intake/sandbox", new { })).Content.ReadFromJsonAsync<JsonObject>())!;
        var acceptance = OpenTask(state, "acceptance");

        var response = await admin.PostAsJsonAsync($"/api/admin/sandbox/{state["sessionId"]}/tasks/{acceptance["id"]}/complete", new { outcome = "不予受理" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("reason");
    }

    [Fact]
    public async Task SandboxAdvance_MovesToNextTimerInWorkingDays_WhenAsked()
    {
        using var admin = await SignInAsync(_host);
        var state = (await (await admin.PostAsJsonAsync("/api/admin/workflows/complaint-intake/sandbox", new { })).Content.ReadFromJsonAsync<JsonObject>())!;
        var session = state["sessionId"]!.GetValue<Guid>();

        state = await PostAsync(admin, $"/api/admin/sandbox/{session}/advance", new { workingDays = 1 });
        state["now"]!.GetValue<string>().Should().Be("2026-03-03 09:00");
        state = await PostAsync(admin, $"/api/admin/sandbox/{session}/advance", new { workingDays = 5 });
        Path(state).Should().Contain(p => p.StartsWith("escalate_acceptance:", StringComparison.Ordinal), "受理审查 has 5 working days");
    }

    [Fact]
    public async Task TryPage_PrefillsSampleInputs_ForAdmin()
    {
        using var admin = await SignInAsync(_host);

        var html = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/workflows/complaint-intake/try", UriKind.Relative)));

        html.Should().Contain("试运行").And.Contain("TS-2026-900001").And.Contain("supervisingUnitCode");
    }

    private async Task<(int Instances, int Tasks, int Notices, int Mails, int Complaints)> CountsAsync() =>
        await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            return (await db.Instances.CountAsync(), await db.Tasks.CountAsync(), await db.Notices.CountAsync(), await db.Mails.CountAsync(), await db.Complaints.CountAsync());
        });

    private static async Task<JsonObject> PostAsync(HttpClient admin, string url, object body)
    {
        var response = await admin.PostAsJsonAsync(url, body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static JsonObject OpenTask(JsonObject state, string activityId) =>
        state["openTasks"]!.AsArray().Single(t => t!["activityId"]!.GetValue<string>() == activityId)!.AsObject();

    private static List<string> OpenTasks(JsonObject state) =>
        [.. state["openTasks"]!.AsArray().Select(t => t!["activityId"]!.GetValue<string>())];

    private static List<string> Notices(JsonObject state) =>
        [.. state["notices"]!.AsArray().Select(n => n!["title"]!.GetValue<string>())];

    private static List<string> Path(JsonObject state) =>
        [.. state["journal"]!.AsArray().Select(j => $"{j!["activityId"]}:{j["event"]}:{j["outcome"]}")];
}
