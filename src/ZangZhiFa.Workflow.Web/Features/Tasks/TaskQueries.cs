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
    /// Tasks assigned to the user, or unclaimed tasks for one of the user's roles in the user's unit or a unit
    /// below it. Any status: callers narrow to open tasks where that is what they list.
    /// </summary>
    public static async Task<IQueryable<WorkflowTask>> VisibleAsync(WorkflowDbContext db, StaffUserContext user, CancellationToken cancellationToken)
    {
        var me = user.UserName;
        var roles = user.Roles.ToList();
        var scope = (await user.ScopeAsync(cancellationToken)).ToList();
        return db.Tasks.Where(t => t.AssigneeUser == me
            || (t.AssigneeUser == null && t.AssigneeRole != null && roles.Contains(t.AssigneeRole) && t.OrgUnitCode != null && scope.Contains(t.OrgUnitCode)));
    }

    public static TaskItem ToItem(WorkflowTask t, DateTimeOffset now) => new(
        t.Id, t.Title, t.CorrelationId, t.ActivityId, t.AssigneeRole, t.OrgUnitCode, t.AssigneeUser, t.CreatedAt, t.DueAt,
        t.Status == WorkflowTaskStatus.Open && t.DueAt < now,
        JsonSerializer.Deserialize<List<string>>(t.OutcomesJson, Json) ?? [],
        t.EscalationLevel);
}
