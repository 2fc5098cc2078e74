using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary>Which slice of the inbox: 我的 (assigned to me), 可认领 (open to my roles), 全部 (both).</summary>
public enum InboxView
{
    All,
    Mine,
    Claimable,
}

/// <summary>Inbox filters as the <c>/tasks</c> query string carries them.</summary>
public sealed record InboxFilter(string? Flow, string? Stage, bool Overdue, bool NearDue, string? RespondentUnit, string? Category);

/// <summary>
/// The <c>/tasks</c> inbox over <see cref="TaskQueries.Halves"/>: the same scope as <c>GET /api/tasks</c>, filters
/// applied to each half so each still walks its index, paging done in SQL.
/// </summary>
public sealed class Inbox(WorkflowDbContext db, StaffUserContext user, TimeProvider time, IConfiguration configuration)
{
    /// <summary>One page; the counts stop at <c>Inbox:CountLimit</c> (shown as "1000+"), <see cref="HasMore"/> drives the pager.</summary>
    public sealed record Result(IReadOnlyList<TaskItem> Items, CappedCount Total, CappedCount MineCount, CappedCount ClaimableCount, bool HasMore, DateTimeOffset NearDueBefore, IReadOnlyDictionary<string, string> Categories);

    /// <summary>Hours before the due time at which a task counts as near due (临期); config <c>Inbox:NearDueHours</c>.</summary>
    public int NearDueHours => configuration.GetValue("Inbox:NearDueHours", 48);

    public async Task<Result> PageAsync(InboxView view, InboxFilter filter, int page, int size, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nearBefore = now.AddHours(NearDueHours);
        await TaskQueries.KeepOpenAsync(db, cancellationToken);
        var (own, group, pool) = TaskQueries.Halves(db, user.UserName, user.Roles, await user.ScopeAsync(cancellationToken));
        own = Apply(own, filter, now, nearBefore).Where(t => t.Status == WorkflowTaskStatus.Open);
        group = Apply(group, filter, now, nearBefore).Where(t => t.Status == WorkflowTaskStatus.Open);
        pool = Apply(pool, filter, now, nearBefore).Where(t => t.Status == WorkflowTaskStatus.Open);
        var limit = TaskQueries.CountLimit(configuration);
        var mineCount = await TaskQueries.CountOpenAsync([own], limit, cancellationToken);
        var claimableCount = await TaskQueries.CountOpenAsync([group, pool], limit, cancellationToken);
        // The view's total is the sum of the two counts already taken, not a third walk over the same rows.
        var (halves, total) = view switch
        {
            InboxView.Mine => ((IReadOnlyList<IQueryable<WorkflowTask>>)[own], mineCount),
            InboxView.Claimable => ([group, pool], claimableCount),
            _ => ([own, group, pool], mineCount + claimableCount),
        };
        var (rows, hasMore) = await TaskQueries.OpenPageAsync(halves, page, size, cancellationToken);
        // One query for the page's categories, not one per row.
        var numbers = rows.Select(r => r.CorrelationId).OfType<string>().ToList();
        var categories = await db.Complaints.AsNoTracking().Where(c => numbers.Contains(c.TrackingNumber))
            .ToDictionaryAsync(c => c.TrackingNumber, c => c.Category, cancellationToken);
        return new Result([.. rows.Select(t => TaskQueries.ToItem(t, now))], total, mineCount, claimableCount, hasMore, nearBefore, categories);
    }

    private IQueryable<WorkflowTask> Apply(IQueryable<WorkflowTask> tasks, InboxFilter filter, DateTimeOffset now, DateTimeOffset nearBefore)
    {
        if (!string.IsNullOrWhiteSpace(filter.Flow))
        {
            tasks = tasks.Where(t => t.DefinitionId == filter.Flow);
        }

        if (!string.IsNullOrWhiteSpace(filter.Stage))
        {
            tasks = tasks.Where(t => t.ActivityId == filter.Stage);
        }

        if (filter.Overdue)
        {
            tasks = tasks.Where(t => t.DueAt < now);
        }

        if (filter.NearDue)
        {
            tasks = tasks.Where(t => t.DueAt >= now && t.DueAt < nearBefore);
        }

        if (!string.IsNullOrWhiteSpace(filter.RespondentUnit))
        {
            tasks = tasks.Where(t => db.Complaints.Any(c => c.TrackingNumber == t.CorrelationId && c.RespondentUnitCode == filter.RespondentUnit));
        }

        if (!string.IsNullOrWhiteSpace(filter.Category))
        {
            tasks = tasks.Where(t => db.Complaints.Any(c => c.TrackingNumber == t.CorrelationId && c.Category == filter.Category));
        }

        return tasks;
    }
}
