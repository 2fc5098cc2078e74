using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Supervisors;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// 特邀监督员库 admin: the pool with each supervisor's term and open tasks; an admin changes the status (在任/已解聘),
/// the availability (暂不接受指派), the end of the term and the declared relations. The draw
/// (<c>supervisors.pick</c>) takes only serving, available supervisors within their term. Appointing a new supervisor
/// stays a flow (<c>POST /api/supervisors</c>), because the conditions are checked and a 聘书 is issued. Journaled.
/// </summary>
public sealed class SupervisorAdmin(WorkflowDbContext db, IWorkflowStore store, TimeProvider time)
{
    public const string JournalKind = "supervisor";

    public static readonly IReadOnlyList<string> Statuses = [InvitedSupervisor.Serving, InvitedSupervisor.Dismissed];

    public sealed record View(string UserName, string Name, string Category, string RegionCode, string? WorkUnitCode, string DeclaredRelations,
        DateOnly TermStart, DateOnly TermEnd, string Status, bool Available, int OpenTasks);

    public sealed record Change(string? Status, bool Available, DateOnly? TermEnd, string? DeclaredRelations);

    public async Task<IReadOnlyList<View>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Supervisors.AsNoTracking().OrderBy(s => s.RegionCode).ThenBy(s => s.UserName).ToListAsync(cancellationToken);
        var names = rows.Select(r => r.UserName).ToList();
        var loads = await db.Tasks.AsNoTracking()
            .Where(t => t.Status == WorkflowTaskStatus.Open && t.AssigneeUser != null && names.Contains(t.AssigneeUser))
            .GroupBy(t => t.AssigneeUser!).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return [.. rows.Select(r => ToView(r, loads.GetValueOrDefault(r.UserName)))];
    }

    /// <summary>Applies the change; returns field errors, empty when saved.</summary>
    public async Task<OrgAdmin.Errors> SaveAsync(string userName, Change change, string actor, CancellationToken cancellationToken)
    {
        var errors = new OrgAdmin.Errors();
        var row = await db.Supervisors.FirstOrDefaultAsync(s => s.UserName == userName, cancellationToken);
        if (row is null)
        {
            errors.Add("userName", $"特邀监督员库中没有 “{userName}”");
            return errors;
        }

        if (!Statuses.Contains(change.Status ?? ""))
        {
            errors.Add("status", $"状态须为 {string.Join("、", Statuses)}");
        }

        if (change.TermEnd is { } end && end < row.TermStart)
        {
            errors.Add("termEnd", "聘期结束日不能早于开始日");
        }

        var (relations, relationError) = await CheckRelationsAsync(db, change.DeclaredRelations ?? row.DeclaredRelations, cancellationToken);
        if (relationError is not null)
        {
            errors.Add("declaredRelations", relationError);
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var before = ToView(row, 0);
        row.Status = change.Status!;
        row.Available = change.Available;
        row.TermEnd = change.TermEnd ?? row.TermEnd;
        row.DeclaredRelations = relations;
        AdminJournal.Record(store, time, JournalKind, row.UserName, "supervisor-updated", actor, $"修改特邀监督员 {row.Name}（{row.UserName}）", before, ToView(row, 0));
        await store.SaveChangesAsync(cancellationToken);
        return errors;
    }

    /// <summary>
    /// The declared relations (申报关联单位) as the draw's conflict check reads them: codes of units in the tree, which
    /// it compares with the case's respondent. Free text ("配偶在城关区市场监管局") would never match, so the supervisor
    /// could be drawn for the very unit they declared. Shared by the appointment (<c>POST /api/supervisors</c>) and
    /// this page so that what one accepts the other can save again. Commas (also “，” and “、”), semicolons or spaces
    /// separate codes; the answer is the comma-separated list to store, or the error.
    /// </summary>
    public static async Task<(string Relations, string? Error)> CheckRelationsAsync(WorkflowDbContext db, string? text, CancellationToken cancellationToken)
    {
        var codes = (text ?? "").Split([',', '，', '、', ';', '；', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        var joined = string.Join(',', codes);
        if (joined.Length > 1000)
        {
            return (joined, "申报关联单位过多（不超过 1000 个字符）");
        }

        var known = await db.OrgUnits.AsNoTracking().Where(u => codes.Contains(u.Code)).Select(u => u.Code).ToListAsync(cancellationToken);
        return codes.FirstOrDefault(c => !known.Contains(c)) is { } unknown
            ? (joined, $"申报关联单位须填机构代码（多个以逗号分隔），“{unknown}” 不是已有单位的代码")
            : (joined, null);
    }

    private static View ToView(InvitedSupervisor s, int openTasks) =>
        new(s.UserName, s.Name, s.Category, s.RegionCode, s.WorkUnitCode, s.DeclaredRelations, s.TermStart, s.TermEnd, s.Status, s.Available, openTasks);

    /// <summary><c>GET /api/admin/supervisors</c>; <c>PUT /api/admin/supervisors/{userName}</c> <c>{ status, available, termEnd?, declaredRelations? }</c>: 204 or 400 naming fields.</summary>
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/supervisors", (SupervisorAdmin pool, CancellationToken cancellationToken) => pool.ListAsync(cancellationToken));
        admin.MapPut("/supervisors/{userName}", async (string userName, Change change, SupervisorAdmin pool, StaffUserContext user, CancellationToken cancellationToken) =>
            OrgAdmin.Answer(await pool.SaveAsync(userName, change, user.UserName, cancellationToken)));
    }
}
