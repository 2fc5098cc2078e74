using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Features;

/// <summary>
/// What the staff-started cases (法制审核 FS, 问责 WZ, 监督文书 JD, 聘任 PY) share: their numbering, the text-field
/// rule of their forms, and handing a staff-recorded document (陈述申辩, 复核申请, 异议) to a waiting flow.
/// </summary>
public static class StaffCases
{
    /// <summary>
    /// The next case number, e.g. <c>FS-2026-000001</c>: one counter per prefix and Beijing-time year. Taking it opens
    /// the write transaction, so the case and its number commit together.
    /// </summary>
    public static async Task<string> NextNumberAsync(EfWorkflowStore store, IWorkingCalendar calendar, TimeProvider time, string prefix, CancellationToken cancellationToken)
    {
        var year = time.GetUtcNow().ToOffset(calendar.UtcOffset).Year;
        var sequence = await store.NextSequenceValueAsync($"{prefix}:{year}", cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}-{year}-{sequence:000000}");
    }

    /// <summary>A text field's rule: required or optional, at most <paramref name="max"/> characters, Chinese messages.</summary>
    public static void CheckText(Dictionary<string, string[]> errors, string field, string? value, string label, int max, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = [$"请填写{label}"];
            }
        }
        else if (value.Length > max)
        {
            errors[field] = [$"{label}不能超过 {max} 字"];
        }
    }

    /// <summary>
    /// Hands <paramref name="text"/> to the case's flow as <paramref name="signal"/> <c>{ field: text }</c>:
    /// 404 when the case is unknown or <paramref name="mayAct"/> refuses (the caller learns nothing), 400 for the
    /// text, 409 when the flow is not waiting for it (too late, or already given).
    /// </summary>
    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> SignalAsync(
        WorkflowDbContext db, WorkflowRunner runner, EfWorkflowStore store, string actor,
        string flowId, string caseNumber, Func<JsonNode, Task<bool>> mayAct,
        string signal, string field, string? text, string label, int max, string notWaiting, CancellationToken cancellationToken)
    {
        var instance = await db.Instances.AsNoTracking()
            .Where(i => i.CorrelationId == caseNumber && i.DefinitionId == flowId)
            .Select(i => new { i.Id, i.VariablesJson })
            .FirstOrDefaultAsync(cancellationToken);
        if (instance is null || !await mayAct(JsonNode.Parse(instance.VariablesJson)!))
        {
            return TypedResults.NotFound();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckText(errors, field, text, label, max);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await runner.SignalAsync(instance.Id, signal, new JsonObject { [field] = text!.Trim() }, actor, cancellationToken) == 0)
        {
            return TypedResults.Problem(title: notWaiting, statusCode: StatusCodes.Status409Conflict);
        }

        await store.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The answer for a case whose flow stopped on an error as it started (a broken rule an admin published): the case
    /// and its number are kept, but saying 201 would tell the submitter it is on its way when nothing will happen. A
    /// 500 naming the case, which the admin's flow list shows with the error (出错).
    /// </summary>
    public static ProblemHttpResult? Faulted(WorkflowInstance instance) =>
        instance.Status != WorkflowStatus.Faulted
            ? null
            : TypedResults.Problem(
                title: $"案件 {instance.CorrelationId} 已登记，但流程运行出错，未能进入下一步。请联系系统管理员处理。",
                detail: instance.Fault,
                statusCode: StatusCodes.Status500InternalServerError,
                extensions: new Dictionary<string, object?> { ["caseNumber"] = instance.CorrelationId });
}
