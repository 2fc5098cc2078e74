using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Admin;
using ZangZhiFa.Workflow.Infrastructure.Calendar;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Admin;
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
    public async Task SaveYear_ReturnsVersionTaken_WhenAnotherAdminSavedTheSameNumberFirst()
    {
        using var admin = await SignInAsync(_host);
        var file = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/calendar/2026"))!["file"]!.Deserialize<CalendarYearFile>(JsonSerializerOptions.Web)!;
        await using var scope = _host.Services.CreateAsyncScope();
        // The clock is read after the next number is chosen and before the save: the other admin saves v1 right then.
        var clock = new InterleavingClock(_host.Time, () =>
        {
            using var other = _host.Services.CreateScope();
            var otherDb = other.ServiceProvider.GetRequiredService<WorkflowDbContext>();
            otherDb.AdminContents.Add(new AdminContent { Kind = AdminContent.Calendar, Key = "2026", Version = 1, Text = "{}", SavedBy = "admin2", SavedAt = _host.Time.GetUtcNow() });
            otherDb.SaveChanges();
        });
        var calendar = ActivatorUtilities.CreateInstance<CalendarAdmin>(scope.ServiceProvider, (TimeProvider)clock);

        var conflict = await calendar.SaveAsync(2026, file, "admin", CancellationToken.None);
        var retry = await calendar.SaveAsync(2026, file, "admin", CancellationToken.None);

        conflict.Should().Contain("v1").And.Contain("刚被其他管理员保存");
        retry.Should().BeNull("the same context saves again after a conflict");
        var versions = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().AdminContents.AsNoTracking()
            .Where(r => r.Kind == AdminContent.Calendar && r.Key == "2026").Select(r => r.Version).OrderBy(v => v).ToListAsync());
        versions.Should().Equal(1, 2);
    }

    /// <summary>A clock that runs <paramref name="once"/> the first time it is read.</summary>
    private sealed class InterleavingClock(TimeProvider inner, Action once) : TimeProvider
    {
        private Action? _once = once;

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Exchange(ref _once, null)?.Invoke();
            return inner.GetUtcNow();
        }
    }

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
    public async Task SaveYear_StillCountsTheAdminsHoliday_AfterTheHostRestarts()
    {
        var data = Directory.CreateTempSubdirectory("zzf-calendar-").FullName;
        try
        {
            await using (var first = new WorkflowHost(data, _host.Time))
            {
                using var admin = await SignInAsync(first);
                var year = (await admin.GetFromJsonAsync<JsonObject>("/api/admin/calendar/2026"))!["file"]!.AsObject();
                year["regionalHolidays"]!.AsArray().Add(new JsonObject { ["date"] = "2026-03-04", ["name"] = "重启前保存的地方假日" });
                (await admin.PutAsJsonAsync("/api/admin/calendar/2026", year)).StatusCode.Should().Be(HttpStatusCode.NoContent);
            }

            await using var restarted = new WorkflowHost(data, _host.Time);
            var due = await AcceptanceDueAsync(restarted, "重启后提交的投诉：执法人员未出示执法证件。");

            due.Should().Be(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.FromHours(8)), "the saved holiday is part of the calendar after a restart, not only until one");
            using var adminAgain = await SignInAsync(restarted);
            var shown = (await adminAgain.GetFromJsonAsync<JsonObject>("/api/admin/calendar/2026"))!["file"]!["regionalHolidays"]!.AsArray();
            shown.Select(h => (string?)h!["name"]).Should().Contain("重启前保存的地方假日", "the admin page shows the saved year, not the shipped file");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Left to the OS temp cleaner if a file is still open on a slow disk; the result stands.
            }
        }
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

    private Task<DateTimeOffset> AcceptanceDueAsync(HttpClient visitor, string description) => AcceptanceDueAsync(_host, description, visitor);

    /// <summary>Submits a complaint to <paramref name="host"/> and returns when its 受理审查 is due.</summary>
    private static async Task<DateTimeOffset> AcceptanceDueAsync(WorkflowHost host, string description, HttpClient? visitor = null)
    {
        using var own = visitor is null ? host.CreateClient() : null;
        var (response, body) = await SubmitAsync(visitor ?? own!, ValidComplaint(description));
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var tracking = body!["trackingNumber"]!.GetValue<string>();
        return await host.InScopeAsync(async sp => (await sp.GetRequiredService<WorkflowDbContext>().Tasks
            .SingleAsync(t => t.CorrelationId == tracking && t.ActivityId == "acceptance")).DueAt!.Value);
    }

    private Task<List<JournalEntry>> JournalAsync(string caseKey) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking().Where(j => j.CaseKey == caseKey).ToListAsync());
}
