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

    /// <summary>Every role an account may hold, in the order the admin pages list them.</summary>
    public static readonly IReadOnlyList<string> All = [IntakeClerk, Handler, LegalReviewer, SupervisionLead, InvitedSupervisor, UnitHead, Admin];
}

/// <summary>
/// Who is signed in and what they may see: their roles and their org unit with every unit below it — except an invited
/// supervisor (<see cref="SeesAssignedCasesOnly"/>), who sees only the cases drawn for them. Scope is applied in the
/// queries themselves, so a URL or API call outside it finds nothing.
/// </summary>
public sealed class StaffUserContext(IHttpContextAccessor http, WorkflowDbContext db)
{
    private IReadOnlySet<string>? _scope;

    public string UserName => http.HttpContext?.User.Identity?.Name ?? throw new InvalidOperationException("not signed in");

    public string OrgUnitCode => http.HttpContext!.User.FindFirstValue(OrgUnitClaim)!;

    /// <summary>The name notices print for the user (审核人员, 承办人): their display name, else the user name.</summary>
    public string DisplayName => http.HttpContext?.User.FindFirstValue(ClaimTypes.GivenName) is { Length: > 0 } name ? name : UserName;

    public IReadOnlyList<string> Roles => [.. http.HttpContext!.User.FindAll(ClaimTypes.Role).Select(c => c.Value)];

    public const string OrgUnitClaim = "zzf:org-unit";

    /// <summary>
    /// True when 特邀监督员 (invited supervisor) is the user's only role. An invited supervisor is a member of the public,
    /// not staff of their liaison unit (the demo pool's accounts sit in 拉萨市司法局): they see a case only when they
    /// were drawn for it in 特邀监督员选派 — a task of the case addressed to them by name — never the cases of their
    /// account's unit. A user who also holds a staff role (监督科长, 承办人 …) keeps that role's unit scope; the extra
    /// role adds no restriction to it.
    /// </summary>
    public bool SeesAssignedCasesOnly => Roles is { Count: > 0 } roles && roles.All(r => r == StaffRoles.InvitedSupervisor);

    /// <summary>
    /// The units whose cases and tasks the user sees: their unit and all units below it; none when
    /// <see cref="SeesAssignedCasesOnly"/>, so every scope query leaves them only what names them (their own tasks and
    /// the cases those belong to), and nobody is in scope to delegate to.
    /// </summary>
    public async Task<IReadOnlySet<string>> ScopeAsync(CancellationToken cancellationToken)
    {
        if (_scope is not null)
        {
            return _scope;
        }

        if (SeesAssignedCasesOnly)
        {
            return _scope = new HashSet<string>(StringComparer.Ordinal);
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
