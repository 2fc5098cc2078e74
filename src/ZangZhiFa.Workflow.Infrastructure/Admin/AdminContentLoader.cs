using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Calendar;
using ZangZhiFa.Workflow.Infrastructure.Notices;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Admin;

/// <summary>Puts the newest admin-saved version of each template and calendar year in use, over the shipped files.</summary>
public static class AdminContentLoader
{
    /// <summary>Applies the newest version per key; returns how many were applied.</summary>
    public static async Task<int> ApplyAsync(WorkflowDbContext db, ScribanNoticeRenderer renderer, AdjustableWorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var rows = await db.AdminContents.AsNoTracking().ToListAsync(cancellationToken);
        var newest = rows.GroupBy(r => (r.Kind, r.Key)).Select(g => g.MaxBy(r => r.Version)!).ToList();
        foreach (var row in newest)
        {
            switch (row.Kind)
            {
                case AdminContent.Template when renderer.TemplateExists(row.Key):
                    renderer.Override(row.Key, row.Text);
                    break;
                case AdminContent.Calendar:
                    calendar.Replace(int.Parse(row.Key, CultureInfo.InvariantCulture), row.Text);
                    break;
            }
        }

        return newest.Count;
    }

    /// <summary>The next version number for a key (1 for the first save).</summary>
    public static async Task<int> NextVersionAsync(WorkflowDbContext db, string kind, string key, CancellationToken cancellationToken) =>
        (await db.AdminContents.Where(r => r.Kind == kind && r.Key == key).MaxAsync(r => (int?)r.Version, cancellationToken) ?? 0) + 1;
}
