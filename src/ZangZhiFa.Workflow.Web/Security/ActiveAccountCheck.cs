using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Security;

/// <summary>
/// Re-checks a sign-in cookie against the account: once an admin locks a user (or the account is gone) their cookie
/// stops working within <see cref="Interval"/>, not at the end of its 8-hour sliding expiry. The time of the last
/// check travels in the cookie's properties, so a busy user costs one cheap query a minute, not one per request.
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

        var userName = context.Principal?.Identity?.Name;
        var db = context.HttpContext.RequestServices.GetRequiredService<WorkflowDbContext>();
        var active = userName is not null
            && await db.Users.AsNoTracking().AnyAsync(u => u.UserName == userName && u.IsActive, context.HttpContext.RequestAborted);
        if (!active)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        context.Properties.Items[CheckedAtKey] = now.ToString("O", CultureInfo.InvariantCulture);
        context.ShouldRenew = true;
    }
}
