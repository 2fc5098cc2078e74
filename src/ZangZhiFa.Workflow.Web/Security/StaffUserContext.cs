using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Security;

/// <summary>Role names (角色) as they appear on tasks in the flow definitions.</summary>
public static class StaffRoles
{
    public const string IntakeClerk = "受理员";
    public const string Handler = "承办人";
    public const string LegalReviewer = "法制审核员";
    public const string SupervisionLead = "监督科长";
    public const string InvitedSupervisor = "特邀监督员";
    public const string Admin = "管理员";
    public const string UnitHead = "机关负责人"; // head of an enforcement unit: 集体讨论 of major decisions
}

/// <summary>
/// Who is signed in and what they may see: their roles and their org unit with every unit below it. Scope is
/// applied in the queries themselves, so a URL or API call outside it finds nothing.
/// </summary>
public sealed class StaffUserContext(IHttpContextAccessor http, WorkflowDbContext db)
{
    private IReadOnlySet<string>? _scope;

    public string UserName => http.HttpContext?.User.Identity?.Name ?? throw new InvalidOperationException("not signed in");

    public string OrgUnitCode => http.HttpContext!.User.FindFirstValue(OrgUnitClaim)!;

    public IReadOnlyList<string> Roles => [.. http.HttpContext!.User.FindAll(ClaimTypes.Role).Select(c => c.Value)];

    public const string OrgUnitClaim = "zzf:org-unit";

    /// <summary>The user's unit and all units below it.</summary>
    public async Task<IReadOnlySet<string>> ScopeAsync(CancellationToken cancellationToken)
    {
        if (_scope is not null)
        {
            return _scope;
        }

        var units = await db.OrgUnits.AsNoTracking().Select(u => new { u.Code, u.ParentCode }).ToListAsync(cancellationToken);
        var children = units.ToLookup(u => u.ParentCode ?? "", u => u.Code);
        var scope = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([OrgUnitCode]);
        while (queue.TryDequeue(out var code))
        {
            if (scope.Add(code))
            {
                foreach (var child in children[code])
                {
                    queue.Enqueue(child);
                }
            }
        }

        return _scope = scope;
    }
}
