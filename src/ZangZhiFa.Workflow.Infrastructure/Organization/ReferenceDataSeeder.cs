using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Organization;

/// <summary>
/// Loads the org tree (always: it is reference data) and, when asked, the demo accounts from <c>seed/</c>.
/// Idempotent: existing rows are updated (unless an admin changed them), nothing is deleted.
/// </summary>
public static class ReferenceDataSeeder
{
    /// <summary>The journal case key prefix of admin changes to org units (the admin console's <c>AdminJournal</c>).</summary>
    public const string AdminOrgUnitPrefix = "admin:org-unit:";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task SeedOrgUnitsAsync(WorkflowDbContext db, string seedFolder, CancellationToken cancellationToken)
    {
        var file = Path.Combine(seedFolder, "org-units.json");
        var data = JsonSerializer.Deserialize<OrgUnitFile>(await File.ReadAllTextAsync(file, cancellationToken), Json)
            ?? throw new InvalidDataException($"{file}: empty");
        var existing = await db.OrgUnits.ToDictionaryAsync(u => u.Code, cancellationToken);
        // A unit an admin created or changed (journal lines under admin:org-unit:{code}) is the admin's from then on:
        // the file no longer overwrites it at start-up.
        var edited = (await db.Journal.AsNoTracking().Where(j => j.CaseKey!.StartsWith(AdminOrgUnitPrefix)).Select(j => j.CaseKey!).Distinct().ToListAsync(cancellationToken))
            .Select(k => k[AdminOrgUnitPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        foreach (var unit in data.Units)
        {
            if (existing.TryGetValue(unit.Code, out var row))
            {
                if (edited.Contains(unit.Code))
                {
                    continue;
                }

                row.Name = unit.Name;
                row.Level = unit.Level;
                row.ParentCode = unit.ParentCode;
                row.Kind = unit.Kind;
                row.SortOrder = unit.SortOrder;
            }
            else
            {
                db.OrgUnits.Add(unit);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Creates the demo users that do not exist yet; <paramref name="hashPassword"/> sets their password.</summary>
    public static async Task SeedDemoUsersAsync(WorkflowDbContext db, string seedFolder, Func<StaffUser, string?> hashPassword, CancellationToken cancellationToken)
    {
        var file = Path.Combine(seedFolder, "demo-users.json");
        var data = JsonSerializer.Deserialize<UserFile>(await File.ReadAllTextAsync(file, cancellationToken), Json)
            ?? throw new InvalidDataException($"{file}: empty");
        var existing = await db.Users.Select(u => u.UserName).ToListAsync(cancellationToken);
        foreach (var user in data.Users.Where(u => !existing.Contains(u.UserName)))
        {
            var row = new StaffUser
            {
                Id = Guid.NewGuid(),
                UserName = user.UserName,
                DisplayName = user.DisplayName,
                Email = user.Email,
                OrgUnitCode = user.OrgUnitCode,
                Roles = string.Join(",", user.Roles),
                LegalQualification = user.LegalQualification,
            };
            row.PasswordHash = hashPassword(row);
            db.Users.Add(row);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private sealed record OrgUnitFile(List<OrgUnit> Units);

    private sealed record UserFile(List<SeedUser> Users);

    private sealed record SeedUser(string UserName, string DisplayName, string OrgUnitCode, List<string> Roles, string? Email, bool LegalQualification = false);
}
