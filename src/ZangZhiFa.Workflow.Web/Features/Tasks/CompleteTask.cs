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
            var task = await visible.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (task is null)
            {
                return TypedResults.NotFound();
            }

            try
            {
                await runner.CompleteTaskAsync(id, new ResumeInput(user.UserName, request.Outcome, request.Comment, request.Fields), cancellationToken);
                await store.SaveChangesAsync(cancellationToken);
            }
            catch (TaskInputException ex)
            {
                return TypedResults.ValidationProblem(ex.Errors.ToDictionary(e => e.Key, e => e.Value), title: "办理内容有误");
            }
            catch (TaskNotOpenException ex)
            {
                return TypedResults.Problem(title: ex.Message, statusCode: StatusCodes.Status409Conflict);
            }
            catch (ConcurrencyConflictException)
            {
                return TypedResults.Problem(title: "该任务刚被他人办理，请刷新后查看", statusCode: StatusCodes.Status409Conflict);
            }

            var now = time.GetUtcNow();
            var next = await db.Tasks.AsNoTracking()
                .Where(t => t.InstanceId == task.InstanceId && t.Status == WorkflowTaskStatus.Open)
                .OrderBy(t => t.CreatedAt)
                .ToListAsync(cancellationToken);
            return TypedResults.Ok(new Response(TaskQueries.ToItem(task, now), [.. next.Select(t => TaskQueries.ToItem(t, now))]));
        }).RequireAuthorization().DisableAntiforgery();
}
