using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Supervisors;
using ZangZhiFa.Workflow.Web.Features.Admin;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Supervisors;

/// <summary>
/// 特邀监督员聘任: a 监督科长 or 管理员 proposes a candidate for their own 司法行政部门's area; the flow has the lead
/// approve, checks the conditions again, enters the pool and sends the 聘书. Case number <c>PY-&lt;year&gt;-&lt;n&gt;</c>.
/// </summary>
public static class AppointSupervisor
{
    public const string FlowId = "supervisor-appointment";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Request(
        string? UserName, string? Name, string? Category, string? WorkUnitCode, string? DeclaredRelations,
        DateOnly? BirthDate, string? Education, bool DisqualifyingRecord, DateOnly? TermStart);

    public sealed record Response(string CaseNumber);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/supervisors", (Request request, Handler handler, CancellationToken cancellationToken) => handler.HandleAsync(request, cancellationToken))
            .RequireAuthorization().DisableAntiforgery();

    public sealed class Handler(WorkflowDbContext db, EfWorkflowStore store, WorkflowRunner runner, StaffUserContext user, IWorkingCalendar calendar, TimeProvider time)
    {
        public async Task<Results<Created<Response>, ValidationProblem, ForbidHttpResult>> HandleAsync(Request request, CancellationToken cancellationToken)
        {
            if (!user.Roles.Contains(StaffRoles.SupervisionLead) && !user.Roles.Contains(StaffRoles.Admin))
            {
                return TypedResults.Forbid();
            }

            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(request.UserName) || !await db.Users.AnyAsync(u => u.UserName == request.UserName, cancellationToken))
            {
                errors["userName"] = ["请填写被聘人员的系统账号（须先建立账号）"];
            }

            if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 50)
            {
                errors["name"] = ["请填写姓名（不超过 50 字）"];
            }

            if (request.Category is null || !SupervisorSeeder.Categories.Contains(request.Category))
            {
                errors["category"] = [$"人员类别须为{string.Join("、", SupervisorSeeder.Categories)}之一"];
            }

            if (request.BirthDate is null)
            {
                errors["birthDate"] = ["请填写出生日期"];
            }

            // Whether the education qualifies is the flow's check (the lead sees the refusal on record); here only that it is given.
            if (string.IsNullOrWhiteSpace(request.Education) || request.Education.Length > 20)
            {
                errors["education"] = ["请填写学历（不超过 20 字）"];
            }

            if (request.WorkUnitCode is { Length: > 0 } work && !await db.OrgUnits.AnyAsync(u => u.Code == work, cancellationToken))
            {
                errors["workUnitCode"] = ["工作单位不在机构列表中；不是执法或司法行政单位的请留空"];
            }

            // The same rule as the pool page (unit codes): free text was accepted here, then every later change there was refused.
            var (relations, relationError) = await SupervisorAdmin.CheckRelationsAsync(db, request.DeclaredRelations, cancellationToken);
            if (relationError is not null)
            {
                errors["declaredRelations"] = [relationError];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors, title: "推荐内容有误，请按提示修改");
            }

            var unit = await db.OrgUnits.AsNoTracking().FirstAsync(u => u.Code == user.OrgUnitCode, cancellationToken);
            var today = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(calendar.UtcOffset).DateTime);
            var caseNumber = await StaffCases.NextNumberAsync(store, calendar, time, "PY", cancellationToken);
            var candidate = new InvitedSupervisor
            {
                UserName = request.UserName!,
                Name = request.Name!.Trim(),
                Category = request.Category!,
                RegionCode = unit.Code,
                WorkUnitCode = string.IsNullOrWhiteSpace(request.WorkUnitCode) ? null : request.WorkUnitCode,
                DeclaredRelations = relations,
                BirthDate = request.BirthDate!.Value,
                Education = request.Education!,
                DisqualifyingRecord = request.DisqualifyingRecord,
                TermStart = request.TermStart ?? today,
            };
            var inputs = new JsonObject
            {
                ["candidate"] = JsonSerializer.SerializeToNode(candidate, Json),
                ["candidateEmail"] = await db.Users.Where(u => u.UserName == candidate.UserName).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken) ?? "",
                ["appointingUnitCode"] = unit.Code,
                ["appointingUnitName"] = unit.Name,
            };
            await runner.StartAsync(FlowId, inputs, new StartOptions(caseNumber, user.UserName), cancellationToken);
            await store.SaveChangesAsync(cancellationToken);
            return TypedResults.Created($"/cases/{caseNumber}", new Response(caseNumber));
        }
    }
}
