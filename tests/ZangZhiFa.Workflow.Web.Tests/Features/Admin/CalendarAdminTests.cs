using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Admin.AdminApi;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Admin;

/// <summary>工作日历: an admin's holiday moves the next deadline, bad data is refused with the loader's message, every save is journaled.</summary>
public sealed class CalendarAdminTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SaveYear_MovesTheNextDeadlineAndJournals_WhenRegionalHolidayAdded()
    {
        using var admin = await SignInAsync(_host);
        using var visitor = _host.CreateClient();
        var year = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/calendar/2026"))!["file"]!.AsObject();
        // Monday 2 March 09:00: 受理审查 has 5 working days — 3, 4, 5, 6, 9 March — so it is due at 10 March 00:00.
        var before = await AcceptanceDueAsync(visitor, "日历修改前提交的投诉：执法人员未出示执法证件。");
        year["regionalHolidays"]!.AsArray().Add(new JsonObject { ["date"] = "2026-03-04", ["name"] = "测试地方假日" });

        var saved = await admin.PutAsJsonAsync("/api/admin/calendar/2026", year);
        var after = await AcceptanceDueAsync(visitor, "日历修改后提交的投诉：执法人员未出示执法证件。");

        saved.StatusCode.Should().Be(HttpStatusCode.NoContent);
        before.Should().Be(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8)));
        after.Should().Be(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.FromHours(8)));
        var years = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/calendar"))!;
        years.Single(y => y!["year"]!.GetValue<int>() == 2026)!["version"]!.GetValue<int>().Should().Be(1);
        var line = (await JournalAsync("admin:calendar:2026")).Should().ContainSingle().Subject;
        line.Actor.Should().Be("admin");
        line.Event.Should().Be("calendar-saved");
        line.Summary.Should().Contain("v1").And.Contain("修改后：").And.Contain("测试地方假日");
        line.Summary![..line.Summary.IndexOf("修改后：", StringComparison.Ordinal)].Should().NotContain("测试地方假日");
    }

    [Fact]
    public async Task SaveYear_Returns400WithLoaderMessage_WhenMakeUpWorkdayIsAWeekday()
    {
        using var admin = await SignInAsync(_host);
        var year = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/calendar/2026"))!["file"]!.AsObject();
        year["workdays"]!.AsArray().Add(new JsonObject { ["date"] = "2026-03-04", ["name"] = "误填" });

        var response = await admin.PutAsJsonAsync("/api/admin/calendar/2026", year);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("误填").And.Contain("周三");
        (await JournalAsync("admin:calendar:2026")).Should().BeEmpty();
    }

    [Fact]
    public async Task CalendarPage_RendersYearLists_ForAdmin()
    {
        using var admin = await SignInAsync(_host);

        var html = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/calendar", UriKind.Relative)));

        html.Should().Contain("雪顿节").And.Contain("调休上班日").And.Contain("西藏地方节假日");
    }

    private async Task<DateTimeOffset> AcceptanceDueAsync(HttpClient visitor, string description)
    {
        var (response, body) = await SubmitAsync(visitor, ValidComplaint(description));
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var tracking = body!["trackingNumber"]!.GetValue<string>();
        return await _host.InScopeAsync(async sp => (await sp.GetRequiredService<WorkflowDbContext>().Tasks
            .SingleAsync(t => t.CorrelationId == tracking && t.ActivityId == "acceptance")).DueAt!.Value);
    }

    private Task<List<JournalEntry>> JournalAsync(string caseKey) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking().Where(j => j.CaseKey == caseKey).ToListAsync());
}
