using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary><c>POST /api/tasks/{id}/claim</c>: take an open group task; someone else's claim wins if it came first.</summary>
public static class ClaimTask
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tasks/{id:guid}/claim", async Task<Results<Ok<TaskItem>, NotFound, ProblemHttpResult>> (Guid id, StaffUserContext user, WorkflowDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var (task, conflict) = await ClaimAsync(id, user, db, cancellationToken);
            if (task is null)
            {
                return TypedResults.NotFound();
            }

            return conflict is null
                ? TypedResults.Ok(TaskQueries.ToItem(task, time.GetUtcNow()))
                : TypedResults.Problem(title: conflict, statusCode: StatusCodes.Status409Conflict);
        }).RequireAuthorization().DisableAntiforgery();

    /// <summary>
    /// Claims the task for the user. No task when it is not theirs to see; a conflict message when it is done or
    /// someone else got there first. Shared with the inbox page's 认领 button.
    /// </summary>
    public static async Task<(WorkflowTask? Task, string? Conflict)> ClaimAsync(Guid id, StaffUserContext user, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var task = await (await TaskQueries.VisibleAsync(db, user, cancellationToken)).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null)
        {
            // A colleague's claim took it out of this user's inbox between the page and the click: say so, rather than
            // "not found" for a task they saw a moment ago. Only for a task they could have taken themselves.
            var taken = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(
                t => t.Id == id && t.Status == WorkflowTaskStatus.Open && t.AssigneeUser != null && t.AssigneeUser != user.UserName, cancellationToken);
            return taken is not null && TaskQueries.OfferedTo(taken, user.UserName, user.Roles, await user.ScopeAsync(cancellationToken))
                ? (taken, $"该任务已由 {taken.AssigneeUser} 签收")
                : (null, null);
        }

        if (task.Status != WorkflowTaskStatus.Open)
        {
            return (task, "该任务已办结");
        }

        if (task.AssigneeUser is null)
        {
            task.AssigneeUser = user.UserName;
            task.Revision++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return (task, "该任务已被他人签收");
            }
        }

        return (task, null);
    }
}
