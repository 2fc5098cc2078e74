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
            var task = await (await TaskQueries.VisibleAsync(db, user, cancellationToken)).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (task is null)
            {
                return TypedResults.NotFound();
            }

            if (task.Status != WorkflowTaskStatus.Open)
            {
                return TypedResults.Problem(title: "该任务已办结", statusCode: StatusCodes.Status409Conflict);
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
                    return TypedResults.Problem(title: "该任务已被他人签收", statusCode: StatusCodes.Status409Conflict);
                }
            }

            return TypedResults.Ok(TaskQueries.ToItem(task, time.GetUtcNow()));
        }).RequireAuthorization().DisableAntiforgery();
}
