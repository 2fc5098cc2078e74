using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Admin;
using ZangZhiFa.Workflow.Infrastructure.Calendar;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// 工作日历 admin: a year's holidays, make-up workdays (调休) and Tibet's regional holidays and workdays, in the format
/// of <c>calendar/{year}.json</c> and checked by the same loader. Each save is a new version in <see cref="AdminContent"/>
/// (kind <c>calendar</c>), journaled, and replaces the year in the calendar deadlines are counted with, at once and at
/// every start; deadlines already set are not moved.
/// </summary>
public sealed class CalendarAdmin(WorkflowDbContext db, IWorkflowStore store, AdjustableWorkingCalendar calendar, TimeProvider time)
{
    public const string JournalKind = "calendar";

    public sealed record YearItem(int Year, int Version, bool Provisional, string? Source);

    public sealed record YearDetail(int Year, int Version, CalendarYearFile File);

    public async Task<IReadOnlyList<YearItem>> YearsAsync(CancellationToken cancellationToken)
    {
        var versions = await db.AdminContents.AsNoTracking().Where(c => c.Kind == AdminContent.Calendar)
            .GroupBy(c => c.Key).Select(g => new { g.Key, Version = g.Max(c => c.Version) }).ToListAsync(cancellationToken);
        return [.. calendar.Years.Select(year =>
        {
            var file = Read(year);
            return new YearItem(year, versions.FirstOrDefault(v => v.Key == Key(year))?.Version ?? 0, file?.Provisional ?? false, file?.Source);
        })];
    }

    /// <summary>The year as now in use, or null when it has no data.</summary>
    public async Task<YearDetail?> GetAsync(int year, CancellationToken cancellationToken)
    {
        if (Read(year) is not { } file)
        {
            return null;
        }

        var version = await db.AdminContents.AsNoTracking().Where(c => c.Kind == AdminContent.Calendar && c.Key == Key(year))
            .MaxAsync(c => (int?)c.Version, cancellationToken) ?? 0;
        return new YearDetail(year, version, file);
    }

    /// <summary>Checks and saves the year as a new version, journaled, and puts it in use; returns the loader's message when invalid (nothing saved).</summary>
    public async Task<string?> SaveAsync(int year, CalendarYearFile file, string actor, CancellationToken cancellationToken)
    {
        file.Year ??= year;
        if (file.Year != year)
        {
            return $"year 为 {file.Year}，与地址中的 {year} 不一致";
        }

        var text = WorkingCalendarLoader.Write(file);
        try
        {
            WorkingCalendarLoader.Parse(text, Key(year) + ".json");
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }

        var before = Read(year);
        var version = await AdminContentLoader.NextVersionAsync(db, AdminContent.Calendar, Key(year), cancellationToken);
        db.AdminContents.Add(new AdminContent { Kind = AdminContent.Calendar, Key = Key(year), Version = version, Text = text, SavedBy = actor, SavedAt = time.GetUtcNow() });
        AdminJournal.Record(store, time, JournalKind, Key(year), "calendar-saved", actor, $"{year} 年工作日历保存为 v{version}", before, file);
        if (!await VersionedSave.TrySaveContentAsync(store, db, AdminContent.Calendar, Key(year), version, cancellationToken))
        {
            return VersionedSave.Taken(version);
        }

        // Only after the commit, so the deadlines in use never come from data the database does not hold.
        calendar.Replace(year, text);
        return null;
    }

    private CalendarYearFile? Read(int year) =>
        calendar.Text(year) is { } text ? WorkingCalendarLoader.Read(text, Key(year) + ".json") : null;

    private static string Key(int year) => year.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>GET /api/admin/calendar</c> (years), <c>GET /api/admin/calendar/{year}</c> (<c>{ year, version, file }</c>, the
    /// file in the <c>calendar/</c> format), <c>PUT /api/admin/calendar/{year}</c> with the year in that format: 204, or
    /// 400 with the loader's message under <c>errors.calendar</c>.
    /// </summary>
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/calendar", (CalendarAdmin admin, CancellationToken cancellationToken) => admin.YearsAsync(cancellationToken));
        admin.MapGet("/calendar/{year:int}", async Task<Results<Ok<YearDetail>, NotFound>> (int year, CalendarAdmin admin, CancellationToken cancellationToken) =>
            await admin.GetAsync(year, cancellationToken) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound());
        admin.MapPut("/calendar/{year:int}", async Task<Results<NoContent, ValidationProblem>> (int year, CalendarYearFile file, CalendarAdmin admin, StaffUserContext user, CancellationToken cancellationToken) =>
            await admin.SaveAsync(year, file, user.UserName, cancellationToken) is { } error
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["calendar"] = [error] }, title: "工作日历有误，未保存")
                : TypedResults.NoContent());
    }
}
