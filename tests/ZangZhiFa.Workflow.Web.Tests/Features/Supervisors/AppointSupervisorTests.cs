using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Supervisors;

/// <summary>POST /api/supervisors and the supervisor-appointment flow: approval, the conditions checked again, the pool entry and the 聘书.</summary>
public sealed class AppointSupervisorTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() =>
        _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var user = new StaffUser { Id = Guid.NewGuid(), UserName = "supervisor.bianba", DisplayName = "边巴", OrgUnitCode = "540102", Roles = "特邀监督员", Email = "bianba@example.test" };
            user.PasswordHash = sp.GetRequiredService<IPasswordHasher<StaffUser>>().HashPassword(user, "Demo#2026");
            db.Users.Add(user);
            await db.SaveChangesAsync();
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpClient> SignedInAsync(string userName)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password = "Demo#2026" })).StatusCode.Should().Be(HttpStatusCode.OK);
        return client;
    }

    private static object Candidate(string birthDate = "1983-04-18") => new
    {
        userName = "supervisor.bianba",
        name = "边巴",
        category = "律师",
        birthDate,
        education = "本科",
        disqualifyingRecord = false,
    };

    private async Task ApproveAsync(HttpClient lead)
    {
        var task = (await lead.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray().Single(t => t!["title"]!.GetValue<string>() == "特邀监督员聘任审批：边巴（律师）")!;
        var done = await lead.PostAsJsonAsync($"/api/tasks/{task["id"]}/complete", new { outcome = "同意聘任", fields = new { } });
        done.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Appoint_PutsTheCandidateInThePoolAndSendsTheLetter_WhenTheLeadApproves()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        var response = await lead.PostAsJsonAsync("/api/supervisors", Candidate());
        response.StatusCode.Should().Be(HttpStatusCode.Created);

        await ApproveAsync(lead);

        var (entry, letter) = await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            return (await db.Supervisors.AsNoTracking().SingleAsync(s => s.UserName == "supervisor.bianba"),
                    await db.Notices.AsNoTracking().SingleAsync(n => n.Title == "聘书"));
        });
        (entry.RegionCode, entry.TermStart, entry.TermEnd).Should().Be(("540102", new DateOnly(2026, 3, 2), new DateOnly(2031, 3, 1)), "a five-year term");
        letter.Html.Should().Contain("<div class=\"issuer-mark\">城关区司法局</div>").And.Contain("边巴：")
            .And.Contain("聘请你为城关区司法局行政执法特邀监督员（律师），聘期自2026年3月2日至2031年3月1日");
    }

    [Fact]
    public async Task Appoint_RecordsTheRefusal_WhenTheCandidateIsUnderEighteen()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        (await lead.PostAsJsonAsync("/api/supervisors", Candidate(birthDate: "2010-01-01"))).StatusCode.Should().Be(HttpStatusCode.Created);

        await ApproveAsync(lead);

        var (pooled, variables) = await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            return (await db.Supervisors.AnyAsync(s => s.UserName == "supervisor.bianba"),
                    JsonNode.Parse(await db.Instances.Where(i => i.DefinitionId == "supervisor-appointment").Select(i => i.VariablesJson).SingleAsync())!);
        });
        pooled.Should().BeFalse();
        variables["stage"]!.GetValue<string>().Should().Be("不予聘任");
        variables["timeline"]!.AsArray().Last()!["text"]!.GetValue<string>().Should().Be("不符合聘任条件：聘任时未满十八周岁");
    }

    [Fact]
    public async Task Appoint_Returns400NamingFields_AndForbidsOtherRoles()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        using var clerk = await SignedInAsync("clerk.chengguan");

        var bad = await lead.PostAsJsonAsync("/api/supervisors", new { userName = "nobody", category = "网红" });

        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo(["userName", "name", "category", "birthDate", "education"]);
        (await clerk.PostAsJsonAsync("/api/supervisors", Candidate())).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Appoint_Returns400NamingDeclaredRelations_WhenTheyAreNotUnitCodes()
    {
        using var lead = await SignedInAsync("lead.chengguan");

        var response = await lead.PostAsJsonAsync("/api/supervisors", WithRelations("配偶在城关区市场监管局"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Equal("declaredRelations");
        (await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Instances.CountAsync(i => i.DefinitionId == "supervisor-appointment"))).Should().Be(0);
    }

    [Fact]
    public async Task Appoint_StoresRelationsThePoolPageCanSaveAgain_WhenTheyAreUnitCodes()
    {
        using var lead = await SignedInAsync("lead.chengguan");
        (await lead.PostAsJsonAsync("/api/supervisors", WithRelations("540102-scjg， 540102-cgzf"))).StatusCode.Should().Be(HttpStatusCode.Created);
        await ApproveAsync(lead);
        using var admin = await SignedInAsync("admin");

        var change = await admin.PutAsJsonAsync("/api/admin/supervisors/supervisor.bianba", new { status = "在任", available = false });

        change.StatusCode.Should().Be(HttpStatusCode.NoContent, await change.Content.ReadAsStringAsync());
        var entry = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Supervisors.AsNoTracking().SingleAsync(s => s.UserName == "supervisor.bianba"));
        entry.DeclaredRelations.Should().Be("540102-scjg,540102-cgzf");
    }

    private static object WithRelations(string declaredRelations) => new
    {
        userName = "supervisor.bianba",
        name = "边巴",
        category = "律师",
        birthDate = "1983-04-18",
        education = "本科",
        disqualifyingRecord = false,
        declaredRelations,
    };
}
