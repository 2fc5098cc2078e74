using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Security;

/// <summary>
/// A sign-in lasts only as long as the account it was made for: a changed password, role or unit, or a dismissed
/// invited supervisor, ends the sessions already open within <see cref="ActiveAccountCheck.Interval"/>.
/// </summary>
public sealed class AccountSessionTests : IAsyncLifetime
{
    private static readonly Uri Tasks = new("/api/tasks", UriKind.Relative);

    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Session_EndsAfterRecheck_WhenARoleIsRemoved()
    {
        using var admin = await StaffClients.SignedInAsync(_host, "admin");
        using var lead = await StaffClients.SignedInAsync(_host, "lead.chengguan");

        (await UpdateUserAsync(admin, "lead.chengguan", roles: ["受理员"])).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _host.Time.Advance(ActiveAccountCheck.Interval + TimeSpan.FromSeconds(1));

        (await lead.PostAsJsonAsync("/api/supervision-documents", Document())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var again = await StaffClients.SignedInAsync(_host, "lead.chengguan");
        (await again.PostAsJsonAsync("/api/supervision-documents", Document())).StatusCode.Should().Be(HttpStatusCode.Forbidden, "a new sign-in carries the current roles");
    }

    [Fact]
    public async Task Session_EndsAfterRecheck_WhenTheUnitChanges()
    {
        using var admin = await StaffClients.SignedInAsync(_host, "admin");
        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");

        (await UpdateUserAsync(admin, "clerk.chengguan", orgUnitCode: "540100")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _host.Time.Advance(ActiveAccountCheck.Interval + TimeSpan.FromSeconds(1));

        (await clerk.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Session_KeepsWorking_WhenOnlyNameOrEmailChange()
    {
        using var admin = await StaffClients.SignedInAsync(_host, "admin");
        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");

        (await UpdateUserAsync(admin, "clerk.chengguan", email: "clerk.new@example.com")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _host.Time.Advance(ActiveAccountCheck.Interval + TimeSpan.FromSeconds(1));

        (await clerk.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Session_EndsAfterRecheck_WhenAnotherAdminRemovesTheAdminRole()
    {
        using var admin = await StaffClients.SignedInAsync(_host, "admin");
        await CreateUserAsync(admin, "admin.two", ["管理员"]);
        using var second = await SignInAsync("admin.two", "Second#2026a");

        (await UpdateUserAsync(second, "admin", roles: ["受理员"])).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _host.Time.Advance(ActiveAccountCheck.Interval + TimeSpan.FromSeconds(1));

        (await admin.GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Sessions_EndAfterRecheck_WhenAdminResetsThePassword()
    {
        using var admin = await StaffClients.SignedInAsync(_host, "admin");
        using var first = await StaffClients.SignedInAsync(_host, "clerk");
        using var second = await StaffClients.SignedInAsync(_host, "clerk");

        (await admin.PostAsJsonAsync("/api/admin/users/clerk/password", new { password = "Changed#2026b" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _host.Time.Advance(ActiveAccountCheck.Interval + TimeSpan.FromSeconds(1));

        (await first.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await second.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await admin.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.OK);
        using var again = await SignInAsync("clerk", "Changed#2026b");
        (await again.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OtherSessions_EndAfterRecheck_WhenUserChangesOwnPassword_ButTheChangingOneStays()
    {
        using var changing = await StaffClients.SignedInAsync(_host, "clerk");
        using var other = await StaffClients.SignedInAsync(_host, "clerk");

        (await changing.PostAsJsonAsync("/api/auth/password", new { currentPassword = StaffClients.Password, newPassword = "MyOwn#2026c" }))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        _host.Time.Advance(ActiveAccountCheck.Interval + TimeSpan.FromSeconds(1));

        (await other.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await changing.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DismissedSupervisor_LosesTheCaseAndCannotSignIn_AfterRecheck()
    {
        var (number, drawn, inviteTaskId) = await SupervisedCaseAsync();
        using var supervisor = await StaffClients.SignedInAsync(_host, drawn);
        (await supervisor.GetAsync(new Uri($"/api/cases/{number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        using var admin = await StaffClients.SignedInAsync(_host, "admin");

        (await admin.PutAsJsonAsync($"/api/admin/supervisors/{drawn}", new { status = "已解聘", available = true })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _host.Time.Advance(ActiveAccountCheck.Interval + TimeSpan.FromSeconds(1));

        (await supervisor.GetAsync(new Uri($"/api/cases/{number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var again = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var login = await again.PostAsJsonAsync("/api/auth/login", new { userName = drawn, password = StaffClients.Password });
        login.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await login.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>().Should().Contain("已解聘");
        (await again.PostAsJsonAsync($"/api/tasks/{inviteTaskId}/complete", new { outcome = "接受" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SupervisorWhoseTermEnded_CannotSignIn()
    {
        await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var row = await db.Supervisors.SingleAsync(s => s.UserName == "supervisor.lasa1");
            row.TermEnd = DateOnly.FromDateTime(_host.Time.GetUtcNow().UtcDateTime).AddDays(-1);
            await db.SaveChangesAsync();
        });

        (await LoginStatusAsync("supervisor.lasa1")).Should().Be(HttpStatusCode.Unauthorized);
        (await LoginStatusAsync("supervisor.lasa2")).Should().Be(HttpStatusCode.OK, "a serving supervisor still signs in");
    }

    [Fact]
    public async Task DismissedSupervisorWithAStaffRole_SignsInWithoutTheSupervisorRole()
    {
        using var admin = await StaffClients.SignedInAsync(_host, "admin");
        (await UpdateUserAsync(admin, "supervisor.lasa2", roles: ["受理员", "特邀监督员"])).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await admin.PutAsJsonAsync("/api/admin/supervisors/supervisor.lasa2", new { status = "已解聘", available = true })).StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = "supervisor.lasa2", password = StaffClients.Password });

        login.StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync(Tasks)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await login.Content.ReadFromJsonAsync<JsonObject>())!["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("受理员");
    }

    /// <summary>A complaint accepted with 邀请特邀监督员 and investigated: a supervisor is drawn and invited.</summary>
    private async Task<(string Number, string Drawn, Guid InviteTaskId)> SupervisedCaseAsync()
    {
        using var publicClient = _host.CreateClient();
        var (response, created) = await SubmitAsync(publicClient, ValidComplaint());
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var number = created!["trackingNumber"]!.GetValue<string>();

        using var clerk = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        await CompleteAsync(clerk, await StaffClients.TaskIdAsync(clerk, "acceptance", number), "受理", new { inviteSupervisor = true });
        using var handler = await StaffClients.SignedInAsync(_host, "handler.lasa");
        await CompleteAsync(handler, await StaffClients.TaskIdAsync(handler, "investigate", number), "调查完毕", new { facts = "经调取执法记录仪视频，执法人员确有推搡行为。" });
        var invite = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Tasks.AsNoTracking()
            .SingleAsync(t => t.CorrelationId == number && t.ActivityId == "invite" && t.Status == WorkflowTaskStatus.Open));
        return (number, invite.AssigneeUser!, invite.Id);
    }

    private static async Task CompleteAsync(HttpClient staff, Guid taskId, string outcome, object fields)
    {
        var response = await staff.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, fields });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>PUT /api/admin/users/{userName} with the account as it is, but for what is given.</summary>
    private static async Task<HttpResponseMessage> UpdateUserAsync(HttpClient admin, string userName, string[]? roles = null, string? orgUnitCode = null, string? email = null)
    {
        var users = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/users"))!;
        var user = users.Single(u => u!["userName"]!.GetValue<string>() == userName)!;
        return await admin.PutAsJsonAsync($"/api/admin/users/{userName}", new
        {
            displayName = user["displayName"]!.GetValue<string>(),
            email = email ?? user["email"]?.GetValue<string>(),
            orgUnitCode = orgUnitCode ?? user["orgUnitCode"]!.GetValue<string>(),
            roles = roles ?? user["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray(),
            legalQualification = user["legalQualification"]!.GetValue<bool>(),
        });
    }

    private static async Task CreateUserAsync(HttpClient admin, string userName, string[] roles) =>
        (await admin.PostAsJsonAsync("/api/admin/users", new
        {
            userName, displayName = "次仁", email = "", orgUnitCode = "540000", roles, legalQualification = false, password = "Second#2026a",
        })).StatusCode.Should().Be(HttpStatusCode.NoContent);

    private async Task<HttpClient> SignInAsync(string userName, string password)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password })).StatusCode.Should().Be(HttpStatusCode.OK);
        return client;
    }

    private async Task<HttpStatusCode> LoginStatusAsync(string userName)
    {
        using var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        return (await client.PostAsJsonAsync("/api/auth/login", new { userName, password = StaffClients.Password })).StatusCode;
    }

    private static object Document() => new
    {
        type = "通知书", unitCode = "540102-cgzf", subject = "八廓街占道经营整治", findings = "未出示执法证件即实施扣押。",
        requirement = "立即整改并书面报告。", basis = "《西藏自治区行政执法监督条例》",
    };
}
