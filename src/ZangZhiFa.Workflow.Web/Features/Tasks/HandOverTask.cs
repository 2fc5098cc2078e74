using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Complaints;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary>
/// Moving an open task between people: <c>release</c> (own task back to the group), <c>delegate</c> (own task
/// to a colleague in scope with the task's role) and <c>reassign</c> (监督科长, supervision lead, moves any task in
/// scope). Kept in one slice because all three share the "who may receive it" rule. Each move is a line of the
/// case record (执法全过程记录), committed with the task row, so the record says who held the task when.
/// </summary>
public static class HandOverTask
{
    public sealed record Request(string? UserName);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tasks/{id:guid}/release", async Task<Results<Ok<TaskItem>, NotFound, ProblemHttpResult, ValidationProblem>> (
            Guid id, StaffUserContext user, WorkflowDbContext db, IWorkflowStore store, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == id && t.AssigneeUser == user.UserName, cancellationToken);
            if (task is null)
            {
                return TypedResults.NotFound();
            }

            if (task.Status != WorkflowTaskStatus.Open)
            {
                return TypedResults.Problem(title: "该任务已办结", statusCode: StatusCodes.Status409Conflict);
            }

            // A task addressed to one person from the flow has no group to go back to.
            if (task.AssigneeRole is null || task.OrgUnitCode is null)
            {
                return TypedResults.Problem(title: "该任务指定由您办理，不能退回", statusCode: StatusCodes.Status409Conflict);
            }

            return await SaveAsync(store, task, null, new Move("task-released", user.UserName, $"{task.Title}：退回{task.AssigneeRole}（{task.OrgUnitCode}）"), time, cancellationToken);
        }).RequireAuthorization().DisableAntiforgery();

        app.MapPost("/api/tasks/{id:guid}/delegate", async Task<Results<Ok<TaskItem>, NotFound, ProblemHttpResult, ValidationProblem>> (
            Guid id, Request request, StaffUserContext user, WorkflowDbContext db, IWorkflowStore store, IOrgDirectory orgs, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == id && t.AssigneeUser == user.UserName, cancellationToken);
            if (task is null)
            {
                return TypedResults.NotFound();
            }

            return await HandToAsync(db, store, orgs, task, request.UserName, await user.ScopeAsync(cancellationToken), "task-delegated", user.UserName, time, cancellationToken);
        }).RequireAuthorization().DisableAntiforgery();

        app.MapPost("/api/tasks/{id:guid}/reassign", async Task<Results<Ok<TaskItem>, NotFound, ProblemHttpResult, ValidationProblem>> (
            Guid id, Request request, StaffUserContext user, WorkflowDbContext db, IWorkflowStore store, IOrgDirectory orgs, TimeProvider time, CancellationToken cancellationToken) =>
        {
            if (!user.Roles.Contains(StaffRoles.SupervisionLead))
            {
                return TypedResults.Problem(title: "仅监督科长可以改派任务", statusCode: StatusCodes.Status403Forbidden);
            }

            var scope = await user.ScopeAsync(cancellationToken);
            var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (task is null || task.OrgUnitCode is null || !scope.Contains(task.OrgUnitCode))
            {
                return TypedResults.NotFound();
            }

            return await HandToAsync(db, store, orgs, task, request.UserName, scope, "task-reassigned", user.UserName, time, cancellationToken);
        }).RequireAuthorization().DisableAntiforgery();
    }

    /// <summary>A hand-over as the case record states it.</summary>
    private sealed record Move(string Event, string Actor, string Summary);

    /// <summary>
    /// The receiver must be active, hold the task's role and sit in the giver's scope, meet a pool task's rules (recusal,
    /// qualification), and never work in the unit the complaint is about (被投诉单位) or below it: its staff may not see the case, so they
    /// may not be handed its work either.
    /// </summary>
    private static async Task<Results<Ok<TaskItem>, NotFound, ProblemHttpResult, ValidationProblem>> HandToAsync(
        WorkflowDbContext db, IWorkflowStore store, IOrgDirectory orgs, WorkflowTask task, string? userName, IReadOnlySet<string> scope, string @event, string actor,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (task.Status != WorkflowTaskStatus.Open)
        {
            return TypedResults.Problem(title: "该任务已办结", statusCode: StatusCodes.Status409Conflict);
        }

        var target = string.IsNullOrWhiteSpace(userName)
            ? null
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName.Trim() && u.IsActive, cancellationToken);
        if (target is null || !scope.Contains(target.OrgUnitCode) || (task.AssigneeRole is not null && !target.RoleList.Contains(task.AssigneeRole)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userName"] = ["该用户不在本单位范围内或没有办理此任务的角色"] }, title: "无法转交");
        }

        // A pool task (法制审核协作) is for those the flow's rules allow: its candidates, or someone the list could not
        // name (appointed since, or from beyond the pool when nobody in it was eligible) who meets the same rules — never
        // a member of a recused unit, never without 法律职业资格 where the review requires it.
        if (task.Candidates is { } candidates && !candidates.Contains("," + target.UserName + ",", StringComparison.Ordinal)
            && (task.RecusedUnits?.Contains("," + target.OrgUnitCode + ",", StringComparison.Ordinal) == true || (task.QualificationRequired && !target.LegalQualification)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userName"] = ["该用户不能办理此审核任务：送审单位人员须回避，审核人员须具备法律职业资格"] }, title: "无法转交");
        }

        var respondent = task.CorrelationId is { } caseNumber
            ? await db.Complaints.Where(c => c.TrackingNumber == caseNumber).Select(c => c.RespondentUnitCode).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (respondent is not null && await ComplaintAccess.IsRespondentSideAsync(orgs, respondent, target.OrgUnitCode, cancellationToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userName"] = ["该用户所在单位是本案被投诉单位或其下级，不能办理此任务"] }, title: "无法转交");
        }

        var from = task.AssigneeUser ?? $"{task.AssigneeRole}（{task.OrgUnitCode}）";
        return await SaveAsync(store, task, target.UserName, new Move(@event, actor, $"{task.Title}：{from} → {target.UserName}"), time, cancellationToken);
    }

    private static async Task<Results<Ok<TaskItem>, NotFound, ProblemHttpResult, ValidationProblem>> SaveAsync(
        IWorkflowStore store, WorkflowTask task, string? assignee, Move move, TimeProvider time, CancellationToken cancellationToken)
    {
        task.AssigneeUser = assignee;
        task.Revision++;
        var now = time.GetUtcNow();
        store.AddJournal(new JournalEntry
        {
            InstanceId = task.InstanceId,
            CorrelationId = task.CorrelationId,
            ActivityId = task.ActivityId,
            Event = move.Event,
            Actor = move.Actor,
            At = now,
            Summary = move.Summary,
        });
        try
        {
            await store.SaveChangesAsync(cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            return TypedResults.Problem(title: "该任务刚被他人处理，请刷新后查看", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(TaskQueries.ToItem(task, now));
    }
}
