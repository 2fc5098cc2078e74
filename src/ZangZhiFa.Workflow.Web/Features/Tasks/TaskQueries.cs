using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary>A task as the inbox shows it.</summary>
public sealed record TaskItem(Guid Id, string Title, string? CaseNumber, string ActivityId, string? AssigneeRole, string? OrgUnitCode, string? AssigneeUser, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, bool Overdue, IReadOnlyList<string> Outcomes, int EscalationLevel);

/// <summary>Which tasks a user may act on — in the query, not in the page.</summary>
public static class TaskQueries
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Tasks assigned to the user, unclaimed tasks for one of the user's roles in the user's unit or a unit
    /// below it, and pool tasks naming the user. Any status: callers narrow to open tasks where that is what they list.
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
        var marker = "," + me + ",";
        return (db.Tasks.Where(t => t.AssigneeUser == me),
                db.Tasks.Where(t => t.AssigneeUser == null && t.Candidates == null && roleList.Contains(t.AssigneeRole!) && unitList.Contains(t.OrgUnitCode!)),
                db.Tasks.Where(t => t.AssigneeUser == null && t.Candidates != null && t.Candidates.Contains(marker)));
    }

    /// <summary>
    /// One page of open tasks, due first, with the total — what the inbox shows. Each half is read in index order
    /// up to the end of the page and the two are merged here, so a backlog of many thousands is never sorted.
    /// </summary>
    public static async Task<(int Total, List<WorkflowTask> Rows)> OpenPageAsync(IReadOnlyList<IQueryable<WorkflowTask>> halves, int page, int size, CancellationToken cancellationToken)
    {
        var total = 0;
        var candidates = new List<WorkflowTask>();
        foreach (var half in halves)
        {
            var open = half.Where(t => t.Status == WorkflowTaskStatus.Open);
            total += await open.CountAsync(cancellationToken);
            // Plain due order so the index supplies it; a task without a deadline sorts first (SQLite: NULLs first).
            candidates.AddRange(await open.AsNoTracking().OrderBy(t => t.DueAt).ThenBy(t => t.CreatedAt).Take(page * size).ToListAsync(cancellationToken));
        }

        var rows = candidates.OrderBy(t => t.DueAt).ThenBy(t => t.CreatedAt).Skip((page - 1) * size).Take(size).ToList();
        return (total, rows);
    }

    public static TaskItem ToItem(WorkflowTask t, DateTimeOffset now) => new(
        t.Id, t.Title, t.CorrelationId, t.ActivityId, t.AssigneeRole, t.OrgUnitCode, t.AssigneeUser, t.CreatedAt, t.DueAt,
        t.Status == WorkflowTaskStatus.Open && t.DueAt < now,
        JsonSerializer.Deserialize<List<string>>(t.OutcomesJson, Json) ?? [],
        t.EscalationLevel);
}
