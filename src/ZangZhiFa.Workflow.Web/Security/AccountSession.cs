using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Supervisors;

namespace ZangZhiFa.Workflow.Web.Security;

/// <summary>
/// What a sign-in cookie carries about the account, and the stamp that ties it to the account as it was: a hash of the
/// stored password hash, the roles the account may use and its unit. <see cref="ActiveAccountCheck"/> recomputes the
/// stamp from the database and ends the session when it differs — after a password reset or change (the stored hash
/// has a fresh salt even for the same password), a role removed or added, a move to another unit, or a dismissed
/// invited supervisor. No column is needed: everything the stamp covers is already stored.
/// </summary>
public static class AccountSession
{
    public const string StampClaim = "zzf:stamp";

    /// <summary>
    /// The roles the account may use now: its roles, less 特邀监督员 when its pool entry (特邀监督员库) says it no longer
    /// serves — 已解聘, or the term has ended. The case and task rules let an invited supervisor reach every case a task
    /// of which names them; without the role a former supervisor reaches nothing through it, and one holding only that
    /// role cannot sign in at all. An account with the role but no pool entry keeps it: the appointment flow needs the
    /// account before it writes the entry.
    /// </summary>
    public static async Task<IReadOnlyList<string>> UsableRolesAsync(WorkflowDbContext db, StaffUser user, TimeProvider time, IWorkingCalendar calendar, CancellationToken cancellationToken)
    {
        var roles = user.RoleList;
        if (!roles.Contains(StaffRoles.InvitedSupervisor))
        {
            return roles;
        }

        var entry = await db.Supervisors.AsNoTracking().Where(s => s.UserName == user.UserName)
            .Select(s => new { s.Status, s.TermEnd }).FirstOrDefaultAsync(cancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(calendar.UtcOffset).DateTime);
        return entry is null || (entry.Status == InvitedSupervisor.Serving && entry.TermEnd >= today)
            ? roles
            : [.. roles.Where(r => r != StaffRoles.InvitedSupervisor)];
    }

    /// <summary>The stamp of the account as it is: changes whenever the password, the usable roles or the unit change.</summary>
    public static string Stamp(StaffUser user, IReadOnlyList<string> usableRoles)
    {
        var text = string.Join('\n', user.PasswordHash ?? "", string.Join(',', usableRoles.Order(StringComparer.Ordinal)), user.OrgUnitCode);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// Sets the cookie for <paramref name="user"/> with the roles they may use now and the stamp of that moment; false
    /// (and no cookie) when no role is left to use — a dismissed invited supervisor.
    /// </summary>
    public static async Task<bool> SignInAsync(HttpContext http, WorkflowDbContext db, StaffUser user, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var roles = await UsableRolesAsync(db, user, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IWorkingCalendar>(), cancellationToken);
        if (roles.Count == 0)
        {
            return false;
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.GivenName, user.DisplayName),
            new(StaffUserContext.OrgUnitClaim, user.OrgUnitCode),
            new(StampClaim, Stamp(user, roles)),
        };
        claims.AddRange(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
        return true;
    }
}
