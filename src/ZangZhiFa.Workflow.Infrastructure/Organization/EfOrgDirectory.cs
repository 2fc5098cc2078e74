using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Organization;

/// <summary>The org tree and staff contacts from the database.</summary>
public sealed class EfOrgDirectory(WorkflowDbContext db) : IOrgDirectory
{
    // Compiled: every task a step opens resolves its unit.
    private static readonly Func<WorkflowDbContext, string, CancellationToken, Task<OrgUnitInfo?>> UnitByCode =
        EF.CompileAsyncQuery((WorkflowDbContext c, string code, CancellationToken _) =>
            c.OrgUnits.AsNoTracking().Where(u => u.Code == code).Select(u => new OrgUnitInfo(u.Code, u.Name, u.Level, u.ParentCode)).FirstOrDefault());

    public Task<OrgUnitInfo?> FindAsync(string code, CancellationToken cancellationToken) => UnitByCode(db, code, cancellationToken);

    public async Task<IReadOnlyList<string>> GetEmailsAsync(string role, string orgUnitCode, CancellationToken cancellationToken)
    {
        var marker = "," + role + ",";
        return await db.Users.AsNoTracking()
            .Where(u => u.OrgUnitCode == orgUnitCode && u.IsActive && u.Email != null && ("," + u.Roles + ",").Contains(marker))
            .Select(u => u.Email!)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StaffMember>> GetMembersAsync(string role, string orgUnitCode, bool withChildUnits, CancellationToken cancellationToken)
    {
        var marker = "," + role + ",";
        var units = await db.OrgUnits.AsNoTracking()
            .Where(u => u.Code == orgUnitCode || (withChildUnits && u.ParentCode == orgUnitCode))
            .Select(u => u.Code)
            .ToListAsync(cancellationToken);
        return await db.Users.AsNoTracking()
            .Where(u => units.Contains(u.OrgUnitCode) && u.IsActive && ("," + u.Roles + ",").Contains(marker))
            .OrderBy(u => u.UserName)
            .Select(u => new StaffMember(u.UserName, u.OrgUnitCode, u.LegalQualification))
            .ToListAsync(cancellationToken);
    }
}
