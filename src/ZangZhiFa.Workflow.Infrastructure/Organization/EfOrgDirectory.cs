using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Organization;

/// <summary>The org tree and staff contacts from the database.</summary>
public sealed class EfOrgDirectory(WorkflowDbContext db) : IOrgDirectory
{
    /// <remarks>
    /// A plain statement kept prepared on the connection: every task a step opens resolves its unit, and EF's query
    /// pipeline around this one-row lookup cost several times the lookup (a tenth of a task completion's EF time).
    /// </remarks>
    public async Task<OrgUnitInfo?> FindAsync(string code, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var lease = SqliteStatements.Command(db.Database.GetDbConnection(), db.Database.CurrentTransaction?.GetDbTransaction(),
                "SELECT \"Code\", \"Name\", \"Level\", \"ParentCode\" FROM \"org_units\" WHERE \"Code\" = @code");
            var command = lease.Command;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@code";
            parameter.Value = code;
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new OrgUnitInfo(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3))
                : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

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
