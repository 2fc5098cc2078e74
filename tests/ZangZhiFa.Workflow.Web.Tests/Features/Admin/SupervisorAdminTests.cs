using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Supervisors;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Admin.AdminApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Admin;

/// <summary>特邀监督员库: an unavailable or dismissed supervisor is left out of the draw, and the change is journaled.</summary>
public sealed class SupervisorAdminTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SaveSupervisor_LeavesThemOutOfTheDrawAndJournals_WhenMadeUnavailable()
    {
        using var admin = await SignInAsync(_host);
        (await DrawAsync()).Should().Contain("格桑多吉").And.Contain("次仁央宗", "the seeded pool has both before the change");

        var unavailable = await admin.PutAsJsonAsync("/api/admin/supervisors/supervisor.lasa1", new { status = "在任", available = false });
        var dismissed = await admin.PutAsJsonAsync("/api/admin/supervisors/supervisor", new { status = "已解聘", available = true });

        unavailable.StatusCode.Should().Be(HttpStatusCode.NoContent);
        dismissed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var draw = await DrawAsync();
        draw.Should().NotContain("格桑多吉").And.NotContain("次仁央宗");
        var list = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/supervisors"))!;
        list.Single(s => s!["userName"]!.GetValue<string>() == "supervisor.lasa1")!["available"]!.GetValue<bool>().Should().BeFalse();
        var line = (await JournalAsync("admin:supervisor:supervisor.lasa1")).Should().ContainSingle().Subject;
        line.Actor.Should().Be("admin");
        line.Summary.Should().Contain("\"available\":true").And.Contain("修改后：").And.Contain("\"available\":false");
    }

    [Fact]
    public async Task SaveSupervisor_Returns400_WhenStatusOrRelationUnknown()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PutAsJsonAsync("/api/admin/supervisors/supervisor.lasa2", new { status = "休假", available = true, declaredRelations = "540102-scjg,nowhere" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo(["status", "declaredRelations"]);
        (await JournalAsync("admin:supervisor:supervisor.lasa2")).Should().BeEmpty();
    }

    [Fact]
    public async Task SupervisorsPage_ListsThePool_ForAdmin()
    {
        using var admin = await SignInAsync(_host);

        var html = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/supervisors", UriKind.Relative)));

        html.Should().Contain("拉巴卓玛").And.Contain("可接受指派");
    }

    /// <summary>The draw's journal line for a case of 城关区 (a 拉萨 region, so the whole demo pool is in reach).</summary>
    private Task<string> DrawAsync() =>
        _host.InScopeAsync(async sp =>
        {
            var pick = sp.GetServices<IWorkflowService>().Single(s => s.Name == PickSupervisorService.ServiceName);
            var result = await pick.InvokeAsync(new JsonObject { ["unitCode"] = "540102", ["respondentUnitCode"] = "540102-jtys" },
                new ServiceCall(Guid.NewGuid(), null, "draw", _host.Time.GetUtcNow()), CancellationToken.None);
            return result.Summary;
        });

    private Task<List<JournalEntry>> JournalAsync(string caseKey) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking().Where(j => j.CaseKey == caseKey).ToListAsync());
}
