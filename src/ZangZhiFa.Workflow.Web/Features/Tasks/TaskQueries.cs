using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary>A task as the inbox shows it.</summary>
public sealed record TaskItem(Guid Id, string Title, string? CaseNumber, string ActivityId, string? AssigneeRole, string? OrgUnitCode, string? AssigneeUser, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, bool Overdue, IReadOnlyList<string> Outcomes, int EscalationLevel);

/// <summary>A count that stops at a limit: <c>1000</c> exactly, or <c>1000+</c> when there are more.</summary>
public readonly record struct CappedCount(int Value, bool IsLowerBound)
{
    public static CappedCount operator +(CappedCount a, CappedCount b) => new(a.Value + b.Value, a.IsLowerBound || b.IsLowerBound);

    public override string ToString() => IsLowerBound ? $"{Value}+" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Which tasks a user may act on — in the query, not in the page.</summary>
public static class TaskQueries
{
    /// <summary>Where inbox counts stop counting (config <c>Inbox:CountLimit</c>); see <see cref="CountOpenAsync"/>.</summary>
    public static int CountLimit(IConfiguration configuration) => Math.Max(configuration.GetValue("Inbox:CountLimit", 1000), 1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Tasks assigned to the user, unclaimed tasks for one of the user's roles in the user's unit or a unit
    /// below it, and pool tasks naming the user. Any status: callers narrow to open tasks where that is what they list.
    /// An invited supervisor has no unit scope (<see cref="StaffUserContext.ScopeAsync"/>), so they get only the tasks
    /// addressed to them, as the case file gives them only the cases those belong to.
    /// </summary>
    public static async Task<IQueryable<WorkflowTask>> VisibleAsync(WorkflowDbContext db, StaffUserContext user, CancellationToken cancellationToken)
    {
        var (mine, group, pool) = Halves(db, user.UserName, user.Roles, await user.ScopeAsync(cancellationToken));
        return mine.Concat(group).Concat(pool);
    }

    /// <summary>
    /// The disjoint parts of what a user sees: tasks assigned to them; unclaimed tasks for their roles in their scope;
    /// unclaimed pool tasks (法制审核协作) naming them as a candidate, wherever the pool sits in the tree (recused people
    /// are not on the list). Kept apart rather than one OR so each part walks its own index (an OR across columns
    /// makes SQLite scan the whole task table); pool tasks have a partial index of their own.
    /// </summary>
    public static (IQueryable<WorkflowTask> Mine, IQueryable<WorkflowTask> Group, IQueryable<WorkflowTask> Pool) Halves(WorkflowDbContext db, string me, IEnumerable<string> roles, IEnumerable<string> scope)
    {
        var roleList = roles.ToList();
        var unitList = scope.ToList();
        var marker = CandidateMarker(me);
        return (db.Tasks.Where(t => t.AssigneeUser == me),
                db.Tasks.Where(t => t.AssigneeUser == null && t.Candidates == null && roleList.Contains(t.AssigneeRole!) && unitList.Contains(t.OrgUnitCode!)),
                // COALESCE rather than IS NULL on purpose: SQLite can use IX_tasks_inbox_mine for "AssigneeUser IS NULL"
                // and then prefers it (two equal columns) over the small partial pool index, walking every unclaimed
                // task in the table (~80 ms with 200,000 open tasks, bench/README.md); a test checks the plan.
                db.Tasks.Where(t => (t.AssigneeUser ?? "") == "" && t.Candidates != null && t.Candidates.Contains(marker)));
    }

    /// <summary>
    /// Whether <paramref name="task"/> is offered to the user whoever holds it now: the rule of the group and pool parts
    /// of <see cref="Halves"/>, for one task in memory (a claim that lost to a colleague says so only to those).
    /// </summary>
    public static bool OfferedTo(WorkflowTask task, string me, IEnumerable<string> roles, IEnumerable<string> scope) =>
        task.Candidates is { } candidates
            ? candidates.Contains(CandidateMarker(me), StringComparison.Ordinal)
            : task.AssigneeRole is { } role && roles.Contains(role) && task.OrgUnitCode is { } unit && scope.Contains(unit);

    // Pool tasks list their candidates as ",a,b,": a name is matched whole.
    private static string CandidateMarker(string me) => "," + me + ",";

    /// <summary>
    /// Keeps the context's connection open for the rest of the request. An inbox read is up to six small queries;
    /// left to itself EF opens and closes the SQLite connection around each (taking it from and handing it back to
    /// the pool each time). The context closes it when disposed.
    /// </summary>
    public static Task KeepOpenAsync(WorkflowDbContext db, CancellationToken cancellationToken) => db.Database.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// How many open tasks the halves hold, counted only up to <paramref name="limit"/>: past it the answer is
    /// "<paramref name="limit"/>+" (<see cref="CappedCount.IsLowerBound"/>). An exact count walks every visible index
    /// entry (50,000 for a region user with a 200,000 backlog, ~100 ms); nobody reads a figure past a thousand as
    /// more than "a lot", so each half stops at the first <paramref name="limit"/> + 1 rows.
    /// </summary>
    public static async Task<CappedCount> CountOpenAsync(IReadOnlyList<IQueryable<WorkflowTask>> halves, int limit, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var half in halves)
        {
            total += await CountQuery(half, limit).CountAsync(cancellationToken);
        }

        return total > limit ? new CappedCount(limit, true) : new CappedCount(total, false);
    }

    /// <summary>
    /// One page of open tasks, due first, and whether another page follows. Each half is read in index order up to
    /// the end of the page (one row more, to know about the next page) and the halves are merged here, so a backlog
    /// of many thousands is never sorted.
    /// </summary>
    public static async Task<(List<WorkflowTask> Rows, bool HasMore)> OpenPageAsync(IReadOnlyList<IQueryable<WorkflowTask>> halves, int page, int size, CancellationToken cancellationToken)
    {
        var candidates = new List<WorkflowTask>();
        foreach (var half in halves)
        {
            candidates.AddRange(await PageQuery(half, (page * size) + 1).ToListAsync(cancellationToken));
        }

        var rows = candidates.OrderBy(t => t.DueAt).ThenBy(t => t.CreatedAt).Skip((page - 1) * size).Take(size + 1).ToList();
        var hasMore = rows.Count > size;
        return (hasMore ? rows[..size] : rows, hasMore);
    }

    /// <summary>The rows <see cref="CountOpenAsync"/> counts in one half (its plan is checked by a test).</summary>
    /// <remarks>
    /// "not Completed" adds nothing to "Open"; it is the filter of the partial IX_tasks_inbox_count, written here so only
    /// the count may use that index (see WorkflowDbContext). A literal, so SQLite matches it to the filter.
    /// </remarks>
    public static IQueryable<WorkflowTask> CountQuery(IQueryable<WorkflowTask> half, int limit) =>
        half.Where(t => t.Status == WorkflowTaskStatus.Open && t.Status != WorkflowTaskStatus.Completed).Take(limit + 1);

    /// <summary>
    /// The first <paramref name="take"/> open tasks of one half in due order (its plan is checked by a test): plain
    /// due order so the index supplies it; a task without a deadline sorts first (SQLite: NULLs first).
    /// </summary>
    public static IQueryable<WorkflowTask> PageQuery(IQueryable<WorkflowTask> half, int take) =>
        half.Where(t => t.Status == WorkflowTaskStatus.Open).AsNoTracking().OrderBy(t => t.DueAt).ThenBy(t => t.CreatedAt).Take(take);

    public static TaskItem ToItem(WorkflowTask t, DateTimeOffset now) => new(
        t.Id, t.Title, t.CorrelationId, t.ActivityId, t.AssigneeRole, t.OrgUnitCode, t.AssigneeUser, t.CreatedAt, t.DueAt,
        t.Status == WorkflowTaskStatus.Open && t.DueAt < now,
        JsonSerializer.Deserialize<List<string>>(t.OutcomesJson, Json) ?? [],
        t.EscalationLevel);
}
