using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.SupervisionDocuments;

/// <summary>
/// 行政执法监督文书: a 监督科长 issues a 通知书 / 意见书 / 决定书 to a unit in their scope (case number
/// <c>JD-&lt;year&gt;-&lt;n&gt;</c>); the supervised unit's staff may object to a 决定书 within the flow's window.
/// </summary>
public static class IssueSupervisionDocument
{
    public const string FlowId = "supervision-document";

    public static readonly IReadOnlyList<string> Types = ["通知书", "意见书", "决定书"];

    public sealed record Request(string? Type, string? UnitCode, string? Subject, string? Findings, string? Requirement, string? Basis);

    public sealed record Response(string CaseNumber);

    public sealed record ObjectionRequest(string? Reason);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/supervision-documents", (Request request, Handler handler, CancellationToken cancellationToken) =>
            handler.IssueAsync(request, cancellationToken)).RequireAuthorization().DisableAntiforgery();
        app.MapPost("/api/supervision-documents/{caseNumber}/objection", (string caseNumber, ObjectionRequest request, Handler handler, CancellationToken cancellationToken) =>
            handler.ObjectAsync(caseNumber, request.Reason, cancellationToken)).RequireAuthorization().DisableAntiforgery();
    }

    public sealed class Handler(WorkflowDbContext db, EfWorkflowStore store, WorkflowRunner runner, StaffUserContext user, IWorkingCalendar calendar, TimeProvider time)
    {
        public async Task<Results<Created<Response>, ValidationProblem, ForbidHttpResult>> IssueAsync(Request request, CancellationToken cancellationToken)
        {
            if (!user.Roles.Contains(StaffRoles.SupervisionLead))
            {
                return TypedResults.Forbid();
            }

            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (request.Type is null || !Types.Contains(request.Type))
            {
                errors["type"] = ["文书种类须为通知书、意见书或决定书"];
            }

            StaffCases.CheckText(errors, "subject", request.Subject, "监督事项", 200, required: true);
            StaffCases.CheckText(errors, "findings", request.Findings, "发现的问题", 5000, required: true);
            StaffCases.CheckText(errors, "requirement", request.Requirement, request.Type == "决定书" ? "纠正要求" : "意见或要求", 5000, required: request.Type is "决定书" or "意见书");
            StaffCases.CheckText(errors, "basis", request.Basis, "依据", 1000, required: false);
            var unit = request.UnitCode is { } code ? await db.OrgUnits.AsNoTracking().FirstOrDefaultAsync(u => u.Code == code, cancellationToken) : null;
            if (unit is null || unit.Code == user.OrgUnitCode || !(await user.ScopeAsync(cancellationToken)).Contains(unit.Code))
            {
                errors["unitCode"] = ["请选择本机关监督范围内的单位"];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors, title: "文书内容有误，请按提示修改");
            }

            var supervising = await db.OrgUnits.AsNoTracking().FirstAsync(u => u.Code == user.OrgUnitCode, cancellationToken);
            var caseNumber = await StaffCases.NextNumberAsync(store, calendar, time, "JD", cancellationToken);
            var inputs = new JsonObject
            {
                ["document"] = new JsonObject
                {
                    ["type"] = request.Type,
                    ["subject"] = request.Subject!.Trim(),
                    ["findings"] = request.Findings!.Trim(),
                    ["requirement"] = request.Requirement?.Trim() ?? "",
                    ["basis"] = request.Basis?.Trim() ?? "",
                },
                ["unitCode"] = unit!.Code,
                ["unitName"] = unit.Name,
                // Served to the unit's 承办人, who also gets the correction task.
                ["unitEmail"] = await db.Users.AsNoTracking()
                    .Where(u => u.OrgUnitCode == unit.Code && u.IsActive && u.Email != null && ("," + u.Roles + ",").Contains("," + StaffRoles.Handler + ","))
                    .OrderBy(u => u.UserName).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken) ?? "",
                ["supervisingUnitCode"] = supervising.Code,
                ["supervisingUnitName"] = supervising.Name,
            };
            await runner.StartAsync(FlowId, inputs, new StartOptions(caseNumber, user.UserName), cancellationToken);
            await store.SaveChangesAsync(cancellationToken);
            return TypedResults.Created($"/cases/{caseNumber}", new Response(caseNumber));
        }

        /// <summary>The supervised unit objects (异议); 409 when the window has closed or an objection was already made.</summary>
        public Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> ObjectAsync(string caseNumber, string? reason, CancellationToken cancellationToken) =>
            // Only the supervised unit objects; to anyone else the case does not exist here.
            StaffCases.SignalAsync(db, runner, store, user.UserName, FlowId, caseNumber,
                variables => Task.FromResult(variables["unitCode"]?.GetValue<string>() == user.OrgUnitCode),
                "objection", "reason", reason, "异议理由", 3000, "本案当前不接受异议（异议期已过、已提出异议或不是决定书）", cancellationToken);
    }
}
