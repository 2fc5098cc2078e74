using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Security;

/// <summary>
/// Re-checks a sign-in cookie against the account: once an admin locks a user (or the account is gone), resets their
/// password, changes their roles or unit, or dismisses them as invited supervisor, their cookie stops working within
/// <see cref="Interval"/>, not at the end of its 8-hour sliding expiry (<see cref="AccountSession"/>'s stamp). The time
/// of the last check travels in the cookie's properties, so a busy user costs one cheap query a minute, not one per
/// request.
/// </summary>
public static class ActiveAccountCheck
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private const string CheckedAtKey = "zzf.checked-at";

    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (context.Properties.Items.TryGetValue(CheckedAtKey, out var raw)
            && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var checkedAt)
            && checkedAt <= now && now - checkedAt < Interval)
        {
            return;
        }

        var services = context.HttpContext.RequestServices;
        var userName = context.Principal?.Identity?.Name;
        var db = services.GetRequiredService<WorkflowDbContext>();
        var cancellationToken = context.HttpContext.RequestAborted;
        var user = userName is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName && u.IsActive, cancellationToken);
        IReadOnlyList<string> roles = user is null ? [] : await AccountSession.UsableRolesAsync(db, user, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IWorkingCalendar>(), cancellationToken);
        // A changed account ends the session rather than refreshing its claims: roles and unit decide what a page
        // already shows and which forms it offers, a new sign-in is cheap, and a stale or stolen cookie never gains
        // what an admin granted since. A cookie from before stamps existed has none and so signs in again once.
        if (user is null || roles.Count == 0 || context.Principal?.FindFirst(AccountSession.StampClaim)?.Value != AccountSession.Stamp(user, roles))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        context.Properties.Items[CheckedAtKey] = now.ToString("O", CultureInfo.InvariantCulture);
        context.ShouldRenew = true;
    }
}
