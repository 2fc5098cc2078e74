using System.Globalization;
using System.Net.Mail;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Accountability;

/// <summary>
/// 失职问责: a 监督科长 files an accountability case against an officer of a unit in their scope (the flow starts at
/// 立案, case number <c>WZ-&lt;year&gt;-&lt;n&gt;</c>); staff then record the officer's written statement (陈述申辩) and a
/// 复核 request, which the flow waits for as signals.
/// </summary>
public static class OpenAccountabilityCase
{
    public const string FlowId = "accountability";

    public sealed record Request(string? OfficerName, string? OfficerUnitCode, string? OfficerEmail, string? Summary, string? Facts);

    public sealed record Response(string CaseNumber);

    public sealed record StatementRequest(string? Text);

    public sealed record ReconsiderationRequest(string? Reason);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/accountability", async Task<Results<Created<Response>, ValidationProblem, ForbidHttpResult>> (Request request, Handler handler, CancellationToken cancellationToken) =>
            await handler.OpenAsync(request, cancellationToken)).RequireAuthorization().DisableAntiforgery();
        app.MapPost("/api/accountability/{caseNumber}/statement", (string caseNumber, StatementRequest request, Handler handler, CancellationToken cancellationToken) =>
            handler.SignalAsync(caseNumber, "statement", "text", request.Text, "陈述申辩内容", cancellationToken)).RequireAuthorization().DisableAntiforgery();
        app.MapPost("/api/accountability/{caseNumber}/reconsideration", (string caseNumber, ReconsiderationRequest request, Handler handler, CancellationToken cancellationToken) =>
            handler.SignalAsync(caseNumber, "reconsideration", "reason", request.Reason, "复核理由", cancellationToken)).RequireAuthorization().DisableAntiforgery();
    }

    public sealed class Handler(WorkflowDbContext db, EfWorkflowStore store, WorkflowRunner runner, StaffUserContext user, IWorkingCalendar calendar, TimeProvider time)
    {
        public async Task<Results<Created<Response>, ValidationProblem, ForbidHttpResult>> OpenAsync(Request request, CancellationToken cancellationToken)
        {
            if (!user.Roles.Contains(StaffRoles.SupervisionLead))
            {
                return TypedResults.Forbid();
            }

            var scope = await user.ScopeAsync(cancellationToken);
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            StaffCases.CheckText(errors, "officerName", request.OfficerName, "执法人员姓名", 50);
            StaffCases.CheckText(errors, "summary", request.Summary, "问题概述", 500);
            StaffCases.CheckText(errors, "facts", request.Facts, "已查明的事实", 5000, required: false);

            if (!string.IsNullOrWhiteSpace(request.OfficerEmail) && !MailAddress.TryCreate(request.OfficerEmail.Trim(), out _))
            {
                errors["officerEmail"] = ["电子邮箱格式不正确"];
            }

            var unit = request.OfficerUnitCode is { } code
                ? await db.OrgUnits.AsNoTracking().FirstOrDefaultAsync(u => u.Code == code, cancellationToken)
                : null;
            if (unit is null || !scope.Contains(unit.Code) || unit.Code == user.OrgUnitCode)
            {
                // Out of scope reads as unknown: a lead learns nothing about units they do not supervise.
                errors["officerUnitCode"] = ["请选择本机关监督范围内的执法单位"];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors, title: "立案内容有误，请按提示修改");
            }

            var supervising = await db.OrgUnits.AsNoTracking().FirstAsync(u => u.Code == user.OrgUnitCode, cancellationToken);
            var caseNumber = await StaffCases.NextNumberAsync(store, calendar, time, "WZ", cancellationToken);
            var inputs = new JsonObject
            {
                ["caseFile"] = new JsonObject
                {
                    ["caseNumber"] = caseNumber,
                    ["origin"] = "lead",
                    ["summary"] = request.Summary!.Trim(),
                    ["facts"] = request.Facts?.Trim() ?? "",
                },
                ["officer"] = new JsonObject
                {
                    ["name"] = request.OfficerName!.Trim(),
                    ["unitCode"] = unit!.Code,
                    ["unitName"] = unit.Name,
                    ["email"] = request.OfficerEmail?.Trim() ?? "",
                },
                ["supervisingUnitCode"] = supervising.Code,
                ["supervisingUnitName"] = supervising.Name,
            };
            await runner.StartAsync(FlowId, inputs, new StartOptions(caseNumber, user.UserName), cancellationToken);
            await store.SaveChangesAsync(cancellationToken);
            return TypedResults.Created($"/cases/{caseNumber}", new Response(caseNumber));
        }

        /// <summary>Records what the officer handed in; 409 when the case is not waiting for it (too late, or already given).</summary>
        public Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> SignalAsync(string caseNumber, string signal, string field, string? text, string label, CancellationToken cancellationToken) =>
            StaffCases.SignalAsync(db, runner, store, user.UserName, FlowId, caseNumber, MayRecordAsync, signal, field, text, label, 5000,
                "本案当前不接受该材料（已提交或已超过期限）", cancellationToken);

        /// <summary>A 监督科长 or 承办人 of the supervising body or a unit above it.</summary>
        private async Task<bool> MayRecordAsync(JsonNode variables) =>
            (user.Roles.Contains(StaffRoles.SupervisionLead) || user.Roles.Contains(StaffRoles.Handler))
            && variables["supervisingUnitCode"]?.GetValue<string>() is { } supervising
            && (await user.ScopeAsync(CancellationToken.None)).Contains(supervising);
    }
}
