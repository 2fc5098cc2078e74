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
    public async Task SandboxStart_Returns400NamingTheInput_WhenTheFlowDoesNotDeclareIt()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PostAsJsonAsync("/api/admin/workflows/legal-review/sandbox", new { inputs = new { nonexistent = 1 } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["title"]!.GetValue<string>().Should().Be("样例变量有误");
        problem["errors"]!["inputs.nonexistent"]![0]!.GetValue<string>().Should().Be("流程 “legal-review” 未声明变量 “nonexistent”");
    }

    [Theory]
    [InlineData("{\"workingDays\": -5}", "workingDays")]
    [InlineData("{\"workingDays\": 0}", "workingDays")]
    [InlineData("{\"days\": 0}", "days")]
    [InlineData("{\"hours\": -1}", "hours")]
    [InlineData("{\"days\": 2147483647}", "days")]
    [InlineData("{\"workingDays\": 1, \"days\": 1}", "workingDays")]
    [InlineData("{\"toNextTimer\": true, \"hours\": 1}", "toNextTimer")]
    [InlineData("{}", "$")]
    public async Task SandboxAdvance_Returns400NamingTheField_WhenItWouldNotMoveTheClockForward(string body, string field)
    {
        using var admin = await SignInAsync(_host);
        var state = (await (await admin.PostAsJsonAsync("/api/admin/workflows/complaint-intake/sandbox", new { })).Content.ReadFromJsonAsync<JsonObject>())!;
        var session = state["sessionId"]!.GetValue<Guid>();

        var response = await admin.PostAsync(new Uri($"/api/admin/sandbox/{session}/advance", UriKind.Relative), Body(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["title"]!.GetValue<string>().Should().Be("推进时间有误");
        problem["errors"]![field].Should().NotBeNull(problem.ToJsonString());
        (await admin.GetFromJsonAsync<JsonObject>($"/api/admin/sandbox/{session}"))!["now"]!.GetValue<string>()
            .Should().Be(state["now"]!.GetValue<string>(), "the clock did not move");
    }

    [Fact]
    public async Task SandboxSignal_Returns409ListingTheWaitedSignals_WhenNothingWaitsForIt()
    {
        using var admin = await SignInAsync(_host);
        // An accountability case filed by the lead waits for the officer's 陈述申辩 at once.
        var inputs = new
        {
            caseFile = new { caseNumber = "WZ-2026-900001", origin = "lead", summary = "未出示执法证件", facts = "执法记录仪显示" },
            officer = new { name = "巴桑", unitCode = "540102-cgzf", unitName = "城关区城市管理综合行政执法局", email = "" },
            supervisingUnitCode = "540102",
            supervisingUnitName = "城关区司法局",
        };
        var state = (await (await admin.PostAsJsonAsync("/api/admin/workflows/accountability/sandbox", new { inputs })).Content.ReadFromJsonAsync<JsonObject>())!;
        var session = state["sessionId"]!.GetValue<Guid>();

        var response = await admin.PostAsJsonAsync($"/api/admin/sandbox/{session}/signals/nosuch", new { });

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["title"]!.GetValue<string>().Should().Be("没有等待信号 “nosuch” 的路径");
        problem["detail"]!.GetValue<string>().Should().Contain("等待中的信号：statement");
        problem["waitingSignals"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("statement");
        (await admin.GetFromJsonAsync<JsonObject>($"/api/admin/sandbox/{session}"))!["waitingSignals"]!.AsArray()
            .Select(s => s!.GetValue<string>()).Should().Equal(["statement"], "the run still waits as before");
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
