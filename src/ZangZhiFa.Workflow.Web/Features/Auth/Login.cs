using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Auth;

/// <summary>
/// Staff sign-in with a cookie. Passwords are stored as ASP.NET Core Identity hashes (PBKDF2); after
/// <see cref="MaxFailures"/> wrong passwords in a row the account is locked for <see cref="LockoutMinutes"/>.
/// Unknown user and wrong password get the same answer.
/// </summary>
public static class Login
{
    public const int MaxFailures = 5;
    public const int LockoutMinutes = 15;

    public sealed record Request(string? UserName, string? Password);

    public sealed record Response(string UserName, string DisplayName, string OrgUnitCode, IReadOnlyList<string> Roles);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/login", async Task<Results<Ok<Response>, ProblemHttpResult>> (Request request, HttpContext http, WorkflowDbContext db, IPasswordHasher<StaffUser> hasher, TimeProvider time, IWorkingCalendar calendar, CancellationToken cancellationToken) =>
        {
            var (user, error) = await SignInAsync(request, http, db, hasher, time, cancellationToken);
            return user is null
                ? TypedResults.Problem(title: error, statusCode: StatusCodes.Status401Unauthorized)
                : TypedResults.Ok(new Response(user.UserName, user.DisplayName, user.OrgUnitCode,
                    await AccountSession.UsableRolesAsync(db, user, time, calendar, cancellationToken)));
        }).DisableAntiforgery();

        app.MapPost("/api/auth/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.NoContent();
        }).DisableAntiforgery();

        app.MapPost("/api/auth/password", async Task<Results<NoContent, ValidationProblem>> (PasswordChange change, HttpContext http, StaffUserContext current, WorkflowDbContext db, IPasswordHasher<StaffUser> hasher, CancellationToken cancellationToken) =>
        {
            var errors = await ChangePasswordAsync(change, current.UserName, http, db, hasher, cancellationToken);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors, title: "修改密码失败");
            }

            return TypedResults.NoContent();
        }).RequireAuthorization().DisableAntiforgery();
    }

    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    /// <summary>
    /// Changes the password; the errors by field when the current one is wrong or the new one too weak. Every other
    /// session of the account ends at its next check (the password is part of <see cref="AccountSession"/>'s stamp) —
    /// someone who changes a password they fear is known wants exactly that — while this one gets a new cookie and
    /// stays signed in: it has just proved the current password.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> ChangePasswordAsync(PasswordChange change, string userName, HttpContext http, WorkflowDbContext db, IPasswordHasher<StaffUser> hasher, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstAsync(u => u.UserName == userName, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        if (user.PasswordHash is null || hasher.VerifyHashedPassword(user, user.PasswordHash, change.CurrentPassword ?? "") == PasswordVerificationResult.Failed)
        {
            errors["currentPassword"] = ["当前密码不正确"];
        }

        if (!PasswordRule.IsStrong(change.NewPassword))
        {
            errors["newPassword"] = ["新" + PasswordRule.Message];
        }

        if (errors.Count == 0)
        {
            user.PasswordHash = hasher.HashPassword(user, change.NewPassword!);
            await db.SaveChangesAsync(cancellationToken);
            await AccountSession.SignInAsync(http, db, user, cancellationToken);
        }

        return errors;
    }

    /// <summary>
    /// Checks the password, counts failures towards the lockout and sets the cookie. Shared by the API and the
    /// <c>/login</c> page so both lock out the same way.
    /// </summary>
    public static async Task<(StaffUser? User, string? Error)> SignInAsync(Request request, HttpContext http, WorkflowDbContext db, IPasswordHasher<StaffUser> hasher, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var user = string.IsNullOrWhiteSpace(request.UserName)
            ? null
            : await db.Users.FirstOrDefaultAsync(u => u.UserName == request.UserName.Trim() && u.IsActive, cancellationToken);
        if (user is null || user.PasswordHash is null || string.IsNullOrEmpty(request.Password))
        {
            return (null, WrongPassword);
        }

        if (user.LockedUntil > now)
        {
            return (null, $"密码错误次数过多，账户已锁定，请 {LockoutMinutes} 分钟后再试");
        }

        if (hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password) == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= MaxFailures)
            {
                user.FailedLogins = 0;
                user.LockedUntil = now.AddMinutes(LockoutMinutes);
            }

            await db.SaveChangesAsync(cancellationToken);
            return (null, WrongPassword);
        }

        user.FailedLogins = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return await AccountSession.SignInAsync(http, db, user, cancellationToken)
            ? (user, null)
            : (null, "特邀监督员已解聘或聘期已满，该账户不能再登录");
    }

    private const string WrongPassword = "用户名或密码错误";

}
