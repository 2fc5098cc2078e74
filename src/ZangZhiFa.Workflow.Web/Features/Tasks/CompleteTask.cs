using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary>
/// <c>POST /api/tasks/{id}/complete</c> <c>{ outcome, comment, fields }</c>: act on a task. 200 with the case's
/// next open tasks (committed with this step); 400 naming bad fields; 409 when someone else completed it first;
/// 404 when the task is not the user's to see.
/// </summary>
public static class CompleteTask
{
    public sealed record Request(string? Outcome, string? Comment, JsonObject? Fields);

    public sealed record Response(TaskItem Completed, IReadOnlyList<TaskItem> NextTasks);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/tasks/{id:guid}/complete", async Task<Results<Ok<Response>, NotFound, ValidationProblem, ProblemHttpResult>> (
            Guid id, Request request, StaffUserContext user, WorkflowDbContext db, WorkflowRunner runner, IWorkflowStore store, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var visible = await TaskQueries.VisibleAsync(db, user, cancellationToken);
            // Not tracked: the runner reads and completes its own copy, and the answer shows the task as completed.
            var task = await visible.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (task is null)
            {
                return TypedResults.NotFound();
            }

            var (errors, conflict) = await TryCompleteAsync(id, new ResumeInput(user.UserName, request.Outcome, request.Comment, request.Fields, user.DisplayName), runner, store, cancellationToken);
            if (errors is not null)
            {
                return TypedResults.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value), title: "办理内容有误");
            }

            if (conflict is not null)
            {
                return TypedResults.Problem(title: conflict, statusCode: StatusCodes.Status409Conflict);
            }

            var now = time.GetUtcNow();
            task = await db.Tasks.AsNoTracking().FirstAsync(t => t.Id == id, cancellationToken);
            var next = await db.Tasks.AsNoTracking()
                .Where(t => t.InstanceId == task.InstanceId && t.Status == WorkflowTaskStatus.Open)
                .OrderBy(t => t.CreatedAt)
                .ToListAsync(cancellationToken);
            return TypedResults.Ok(new Response(TaskQueries.ToItem(task, now), [.. next.Select(t => TaskQueries.ToItem(t, now))]));
        }).RequireAuthorization().DisableAntiforgery();

    /// <summary>
    /// Runs the step and commits it. Field errors, or a conflict message when the task was already done by
    /// someone else; both null on success. Shared with the task page.
    /// </summary>
    public static async Task<(IReadOnlyDictionary<string, string[]>? Errors, string? Conflict)> TryCompleteAsync(Guid id, ResumeInput input, WorkflowRunner runner, IWorkflowStore store, CancellationToken cancellationToken)
    {
        try
        {
            await runner.CompleteTaskAsync(id, input, cancellationToken);
            await store.SaveChangesAsync(cancellationToken);
            return (null, null);
        }
        catch (TaskInputException ex)
        {
            return (ex.Errors, null);
        }
        catch (TaskNotOpenException ex)
        {
            // The engine's message says who completed it and when; API callers keep that detail.
            return (null, ex.Message);
        }
        catch (ConcurrencyConflictException)
        {
            return (null, "该任务刚被他人办理，请刷新后查看");
        }
    }

    public const string AlreadyDone = "该任务已由他人办理";
}
