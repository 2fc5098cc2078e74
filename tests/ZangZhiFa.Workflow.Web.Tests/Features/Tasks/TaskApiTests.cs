using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Tasks;

/// <summary>The staff task API: login, the scope rule (own unit and below, own roles), claim and complete.</summary>
public sealed class TaskApiTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient NewClient() => _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    private async Task<HttpClient> SignedInAsync(string userName)
    {
        var client = NewClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { userName, password = "Demo#2026" });
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"{userName} signs in with the demo password");
        return client;
    }

    private Task<Guid> StartDemoAsync(string unitCode, string title = "执法态度投诉") =>
        _host.InScopeAsync(async sp =>
        {
            var inputs = new JsonObject { ["caseTitle"] = title, ["unitCode"] = unitCode, ["applicantEmail"] = "" };
            var instance = await sp.GetRequiredService<WorkflowRunner>().StartAsync("demo-supervision", inputs, new StartOptions($"DEMO-{unitCode}", "clerk"), CancellationToken.None);
            await sp.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);
            return instance.Id;
        });

    private static async Task<JsonArray> TasksAsync(HttpClient client, string query = "") =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/tasks{query}"))!["items"]!.AsArray();

    [Fact]
    public async Task Tasks_Returns401_WhenNotSignedIn()
    {
        using var client = NewClient();

        (await client.GetAsync(new Uri("/api/tasks", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_LocksTheAccountAfterFiveWrongPasswords_AndUnlocksAfterFifteenMinutes()
    {
        using var client = NewClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/auth/login", new { userName = "clerk", password = "guess" + i });
            wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await wrong.Content.ReadAsStringAsync()).Should().Contain("用户名或密码错误");
        }

        var locked = await client.PostAsJsonAsync("/api/auth/login", new { userName = "clerk", password = "Demo#2026" });
        locked.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await locked.Content.ReadAsStringAsync()).Should().Contain("账户已锁定");

        _host.Time.Advance(TimeSpan.FromMinutes(16));
        (await client.PostAsJsonAsync("/api/auth/login", new { userName = "clerk", password = "Demo#2026" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Tasks_ShowsATaskToTheRoleInItsUnitAndTheUnitsAbove_ButNotToOtherRolesOrUnitsBelow()
    {
        await StartDemoAsync("540100", "拉萨市的事项");

        using var lhasaClerk = await SignedInAsync("clerk.lasa");
        using var regionClerk = await SignedInAsync("clerk");
        using var chengguanClerk = await SignedInAsync("clerk.chengguan");
        using var lhasaHandler = await SignedInAsync("handler.lasa");

        (await TasksAsync(lhasaClerk)).Select(t => t!["title"]!.GetValue<string>()).Should().Equal("受理审查：拉萨市的事项");
        (await TasksAsync(regionClerk)).Should().ContainSingle("自治区司法厅 oversees every unit below it");
        (await TasksAsync(chengguanClerk)).Should().BeEmpty("城关区 is below 拉萨市: a county does not see the prefecture's work");
        (await TasksAsync(lhasaHandler)).Should().BeEmpty("the task is for 受理员, not 承办人");
    }

    [Fact]
    public async Task Complete_Returns404_WhenTheTaskIsOutsideTheUsersScope()
    {
        await StartDemoAsync("540100");
        using var lhasaClerk = await SignedInAsync("clerk.lasa");
        var taskId = (await TasksAsync(lhasaClerk)).Single()!["id"]!.GetValue<Guid>();
        using var chengguanClerk = await SignedInAsync("clerk.chengguan");

        var response = await chengguanClerk.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "受理" });

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await TasksAsync(lhasaClerk)).Should().ContainSingle("nothing happened to the task");
    }

    [Fact]
    public async Task Complete_ReturnsTheNextTasks_AndAConflictForTheSecondAttempt()
    {
        await StartDemoAsync("540102");
        using var clerk = await SignedInAsync("clerk.chengguan");
        var taskId = (await TasksAsync(clerk)).Single()!["id"]!.GetValue<Guid>();

        var done = await clerk.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "受理", comment = "符合受理条件" });
        var again = await clerk.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "受理" });

        done.StatusCode.Should().Be(HttpStatusCode.OK);
        var next = (await done.Content.ReadFromJsonAsync<JsonObject>())!["nextTasks"]!.AsArray();
        next.Select(t => t!["activityId"]!.GetValue<string>()).Should().BeEquivalentTo(["investigate", "legal"]);
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).Should().Contain("clerk.chengguan");
    }

    [Fact]
    public async Task Complete_AnswersWithTheTaskAsCompleted_NotOverdue_WhenItWasDoneAfterItsDeadline()
    {
        var instanceId = await StartDemoAsync("540102");
        await _host.InScopeAsync(async sp =>
        {
            // Past its deadline, before the deadline timer has moved it (督办).
            var db = sp.GetRequiredService<ZangZhiFa.Workflow.Infrastructure.Persistence.WorkflowDbContext>();
            var review = db.Tasks.Single(t => t.InstanceId == instanceId);
            review.DueAt = _host.Time.GetUtcNow().AddHours(-1);
            await db.SaveChangesAsync();
        });
        using var clerk = await SignedInAsync("clerk.chengguan");
        var listed = (await TasksAsync(clerk)).Single()!;
        listed["overdue"]!.GetValue<bool>().Should().BeTrue();

        var done = await clerk.PostAsJsonAsync($"/api/tasks/{listed["id"]}/complete", new { outcome = "受理" });

        done.StatusCode.Should().Be(HttpStatusCode.OK);
        (await done.Content.ReadFromJsonAsync<JsonObject>())!["completed"]!["overdue"]!.GetValue<bool>().Should().BeFalse("a completed task is no longer overdue");
    }

    [Fact]
    public async Task Complete_Returns400NamingTheField_WhenTheReasonForRefusalIsMissing()
    {
        await StartDemoAsync("540102");
        using var clerk = await SignedInAsync("clerk.chengguan");
        var taskId = (await TasksAsync(clerk)).Single()!["id"]!.GetValue<Guid>();

        var response = await clerk.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "不予受理", fields = new { } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["errors"]!["fields.reason"]![0]!.GetValue<string>().Should().Be("请填写“不予受理理由”");
    }

    [Theory]
    [InlineData("not json", "$", "请求内容不是有效的 JSON")]
    [InlineData("", "$", "请求内容为空")]
    [InlineData("{\"outcome\": [\"受理\"]}", "outcome", "格式不正确")]
    [InlineData("{\"outcome\": \"不予受理\", \"fields\": \"理由\"}", "fields", "格式不正确")]
    [InlineData("{\"outcome\": \"受理\", \"fields\": {\"subject\": \"符合\", \"subject\": \"maybe\"}}", "fields.subject", "字段重复")]
    [InlineData("{\"outcome\": \"受理\", \"fields\": {\"basis\": {\"law\": 1, \"law\": 2}}}", "fields.basis.law", "字段重复")]
    [InlineData("{\"outcome\": \"受理\", \"outcome\": \"不予受理\"}", "outcome", "字段重复")]
    public async Task Complete_Returns400ProblemNamingTheField_WhenTheBodyDoesNotRead(string body, string field, string message)
    {
        await StartDemoAsync("540102");
        using var clerk = await SignedInAsync("clerk.chengguan");
        var taskId = (await TasksAsync(clerk)).Single()!["id"]!.GetValue<Guid>();

        var response = await clerk.PostAsync($"/api/tasks/{taskId}/complete", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["title"]!.GetValue<string>().Should().Be("提交内容格式错误");
        problem["errors"]![field]![0]!.GetValue<string>().Should().Be(message);
        (await TasksAsync(clerk)).Should().ContainSingle("nothing was completed");
    }

    [Fact]
    public async Task Tasks_Returns400Problem_WhenAQueryValueDoesNotParse()
    {
        using var clerk = await SignedInAsync("clerk.chengguan");

        var response = await clerk.GetAsync(new Uri("/api/tasks?page=二", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["title"]!.GetValue<string>().Should().Be("请求内容有误");
        problem["errors"]!["page"]![0]!.GetValue<string>().Should().Be("格式不正确", "the problem names the value that did not parse");
        problem.ToJsonString().Should().NotContain("int?", "the answer names the field, not the server's types");
    }

    [Fact]
    public async Task Tasks_ServesTheLastPageServed_WhenThePageNumberIsBeyondIt()
    {
        await StartDemoAsync("540102");
        using var clerk = await SignedInAsync("clerk.chengguan");

        var page = (await clerk.GetFromJsonAsync<JsonObject>($"/api/tasks?page={int.MaxValue}"))!;

        page["pageNumber"]!.GetValue<int>().Should().Be(10_000);
        page["items"]!.AsArray().Should().BeEmpty("page × size wrapped round to a negative limit, which SQLite reads as no limit");
    }

    [Fact]
    public async Task Claim_TakesTheTaskOutOfOtherClerksInboxes()
    {
        await StartDemoAsync("540102");
        using var county = await SignedInAsync("clerk.chengguan");
        using var city = await SignedInAsync("clerk.lasa");
        var taskId = (await TasksAsync(county)).Single()!["id"]!.GetValue<Guid>();

        var claimed = await county.PostAsync(new Uri($"/api/tasks/{taskId}/claim", UriKind.Relative), null);

        claimed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await TasksAsync(county, "?mine=true")).Should().ContainSingle();
        (await TasksAsync(city)).Should().BeEmpty("a claimed task is the claimer's");
        var late = await city.PostAsync(new Uri($"/api/tasks/{taskId}/claim", UriKind.Relative), null);
        late.StatusCode.Should().Be(HttpStatusCode.Conflict, "the city clerk saw the task a moment ago: 'not found' would be wrong");
        (await late.Content.ReadAsStringAsync()).Should().Contain("该任务已由 clerk.chengguan 签收");
        using var elsewhere = await SignedInAsync("handler.lasa");
        (await elsewhere.PostAsync(new Uri($"/api/tasks/{taskId}/claim", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NotFound,
            "someone whose role could never have taken it learns nothing about it");
    }

    [Fact]
    public async Task Tasks_ReturnsTheLimitAsALowerBound_WhenMoreTasksAreOpenThanTheCountLimit()
    {
        await using var host = new WorkflowHost(settings: new Dictionary<string, string> { ["Inbox:CountLimit"] = "2" });
        await host.InScopeAsync(async sp =>
        {
            for (var i = 0; i < 3; i++)
            {
                var inputs = new JsonObject { ["caseTitle"] = $"事项{i}", ["unitCode"] = "540102", ["applicantEmail"] = "" };
                await sp.GetRequiredService<WorkflowRunner>().StartAsync("demo-supervision", inputs, new StartOptions($"DEMO-{i}", "clerk"), CancellationToken.None);
            }

            await sp.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);
        });
        using var clerk = await StaffClients.SignedInAsync(host, "clerk.chengguan");

        var all = (await clerk.GetFromJsonAsync<JsonObject>("/api/tasks"))!;
        var firstPage = (await clerk.GetFromJsonAsync<JsonObject>("/api/tasks?pageSize=2"))!;
        var lastPage = (await clerk.GetFromJsonAsync<JsonObject>("/api/tasks?pageSize=2&page=2"))!;
        var mine = (await clerk.GetFromJsonAsync<JsonObject>("/api/tasks?mine=true"))!;

        all["total"]!.GetValue<int>().Should().Be(2);
        all["totalIsLowerBound"]!.GetValue<bool>().Should().BeTrue();
        all["items"]!.AsArray().Should().HaveCount(3, "the page lists every task; only the count stops");
        firstPage["hasMore"]!.GetValue<bool>().Should().BeTrue();
        lastPage["items"]!.AsArray().Should().ContainSingle();
        lastPage["hasMore"]!.GetValue<bool>().Should().BeFalse();
        mine["total"]!.GetValue<int>().Should().Be(0);
        mine["totalIsLowerBound"]!.GetValue<bool>().Should().BeFalse();
    }
}
