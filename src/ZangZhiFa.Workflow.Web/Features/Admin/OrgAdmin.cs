using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Auth;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// 组织机构与用户 admin: org units of the four-level tree (code, name, level, parent, kind) and staff accounts
/// (roles, unit, 法律职业资格, lock/unlock, password reset). Every change is checked, saved and journaled in one unit of
/// work (<see cref="AdminJournal"/>, kinds <c>org-unit</c> and <c>user</c>, before and after; never a password hash).
/// A locked account is an inactive one: it cannot sign in and is not offered tasks or draws; unlocking also clears a
/// lockout after failed sign-ins. No change may leave the console without an active 管理员 (nor may admins demote or lock
/// themselves), and a change of roles, unit or password ends the account's open sessions (<see cref="AccountSession"/>).
/// </summary>
public sealed partial class OrgAdmin(WorkflowDbContext db, IWorkflowStore store, IPasswordHasher<StaffUser> hasher, TimeProvider time)
{
    public const string UnitKind = "org-unit";
    public const string UserKind = "user";

    /// <summary>The roles an account may hold, as the flows name them.</summary>
    public static readonly IReadOnlyList<string> Roles = StaffRoles.All;

    public static readonly IReadOnlyList<string> UnitKinds = ["justice", "enforcement"];

    public sealed record UnitInput(string? Code, string? Name, int Level, string? ParentCode, string? Kind, int SortOrder);

    public sealed record UnitView(string Code, string Name, int Level, string? ParentCode, string Kind, int SortOrder);

    public sealed record UserInput(string? UserName, string? DisplayName, string? Email, string? OrgUnitCode, IReadOnlyList<string>? Roles, bool LegalQualification, string? Password);

    public sealed record UserView(string UserName, string DisplayName, string? Email, string OrgUnitCode, IReadOnlyList<string> Roles, bool LegalQualification, bool Locked, DateTimeOffset? LockedOutUntil);

    /// <summary>Field name → messages; empty when the change was saved.</summary>
    public sealed class Errors : Dictionary<string, string[]>
    {
        public void Add(string field, string message) => this[field] = [.. this.GetValueOrDefault(field) ?? [], message];
    }

    public async Task<IReadOnlyList<UnitView>> UnitsAsync(CancellationToken cancellationToken) =>
        [.. (await db.OrgUnits.AsNoTracking().OrderBy(u => u.SortOrder).ThenBy(u => u.Code).ToListAsync(cancellationToken)).Select(View)];

    /// <summary>Creates a unit (<paramref name="code"/> null) or changes one; returns the errors, empty when saved.</summary>
    public async Task<Errors> SaveUnitAsync(string? code, UnitInput input, string actor, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var units = await db.OrgUnits.ToListAsync(cancellationToken);
        var unit = code is null ? null : units.FirstOrDefault(u => u.Code == code);
        if (code is not null && unit is null)
        {
            errors.Add("code", $"没有代码为 “{code}” 的单位");
            return errors;
        }

        var newCode = (code ?? input.Code)?.Trim() ?? "";
        if (code is null && !UnitCodePattern().IsMatch(newCode))
        {
            // The code is a path segment of the unit's own URL (PUT …/org-units/{code}): "a/b?c" could be created but never edited.
            errors.Add("code", "单位代码必填，不超过 50 个字符，只能由字母、数字和 “-” 组成，且以字母或数字开头");
        }
        else if (code is not null && !string.IsNullOrWhiteSpace(input.Code) && input.Code.Trim() != code)
        {
            // A unit's code is never changed (users, tasks and cases refer to it): say so rather than ignore the body.
            errors.Add("code", $"单位代码不能修改：请求中的 “{input.Code.Trim()}” 与地址中的 “{code}” 不一致");
        }
        else if (code is null && units.Any(u => u.Code == newCode))
        {
            errors.Add("code", $"单位代码 “{newCode}” 已存在");
        }

        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            errors.Add("name", "单位名称必填，不超过 200 个字符");
        }

        if (input.Level is < 1 or > 4)
        {
            errors.Add("level", "层级须为 1（自治区）至 4（乡镇）");
        }
        else if (unit is not null && units.Where(u => u.ParentCode == unit.Code).OrderBy(u => u.Level).FirstOrDefault(u => u.Level < input.Level) is { } child)
        {
            // The mirror of the parent rule below (a parent at the unit's level is allowed: enforcement units sit at
            // their justice bureau's level), so neither a level change nor a move can put a unit below its own children.
            errors.Add("level", $"本单位的层级不能低于其下级单位：“{child.Name}” 为第 {child.Level} 级");
        }

        if (!UnitKinds.Contains(input.Kind ?? ""))
        {
            errors.Add("kind", "类型须为 justice（司法行政部门）或 enforcement（执法单位）");
        }

        var parentCode = string.IsNullOrWhiteSpace(input.ParentCode) ? null : input.ParentCode.Trim();
        var parent = parentCode is null ? null : units.FirstOrDefault(u => u.Code == parentCode);
        if (parentCode is null && input.Level != 1)
        {
            errors.Add("parentCode", "除自治区一级外须有上级单位");
        }
        else if (parentCode is not null && parent is null)
        {
            errors.Add("parentCode", $"上级单位 “{parentCode}” 不存在");
        }
        else if (parent is not null && parent.Level > input.Level)
        {
            errors.Add("parentCode", "上级单位的层级不能低于本单位");
        }
        else if (parent is not null && IsSelfOrBelow(parent.Code, newCode, units))
        {
            errors.Add("parentCode", "上级单位不能是本单位或其下级单位");
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var before = unit is null ? null : View(unit);
        if (unit is null)
        {
            unit = new OrgUnit { Code = newCode };
            db.OrgUnits.Add(unit);
        }

        unit.Name = name;
        unit.Level = input.Level;
        unit.ParentCode = parentCode;
        unit.Kind = input.Kind!;
        unit.SortOrder = input.SortOrder;
        AdminJournal.Record(store, time, UnitKind, unit.Code, before is null ? "org-unit-created" : "org-unit-updated", actor,
            $"{(before is null ? "新增" : "修改")}单位 {unit.Code} {unit.Name}", before, View(unit));
        await store.SaveChangesAsync(cancellationToken);
        return errors;
    }

    public async Task<IReadOnlyList<UserView>> UsersAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return [.. (await db.Users.AsNoTracking().OrderBy(u => u.OrgUnitCode).ThenBy(u => u.UserName).ToListAsync(cancellationToken)).Select(u => View(u, now))];
    }

    /// <summary>Creates an account (<paramref name="userName"/> null; a password is then required) or changes one.</summary>
    public async Task<Errors> SaveUserAsync(string? userName, UserInput input, string actor, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var user = userName is null ? null : await db.Users.FirstOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        if (userName is not null && user is null)
        {
            errors.Add("userName", $"没有用户 “{userName}”");
            return errors;
        }

        var newName = (userName ?? input.UserName)?.Trim() ?? "";
        if (userName is null && (newName.Length is < 2 or > 100 || newName.Any(char.IsWhiteSpace)))
        {
            errors.Add("userName", "用户名必填，2 至 100 个字符，不含空格");
        }
        else if (userName is null && (await db.Users.Select(u => u.UserName).ToListAsync(cancellationToken))
                     .FirstOrDefault(n => string.Equals(n, newName, StringComparison.OrdinalIgnoreCase)) is { } existing)
        {
            // Sign-in matches the name exactly, so officer.test and OFFICER.TEST would be two accounts people take for
            // one. Compared here rather than in SQL: SQLite's lower() folds ASCII only, and the table is small.
            errors.Add("userName", existing == newName ? $"用户名 “{newName}” 已存在" : $"用户名 “{newName}” 与已有的 “{existing}” 仅大小写不同");
        }

        var displayName = input.DisplayName?.Trim() ?? "";
        if (displayName.Length is 0 or > 100)
        {
            errors.Add("displayName", "姓名必填，不超过 100 个字符");
        }

        var email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim();
        if (email is not null && (email.Length > 200 || !System.Net.Mail.MailAddress.TryCreate(email, out _)))
        {
            errors.Add("email", "电子邮箱格式不正确");
        }

        var unitCode = input.OrgUnitCode?.Trim() ?? "";
        if (!await db.OrgUnits.AnyAsync(u => u.Code == unitCode, cancellationToken))
        {
            errors.Add("orgUnitCode", "所属单位不存在");
        }

        var roles = (input.Roles ?? []).Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count == 0)
        {
            errors.Add("roles", "至少选择一个角色");
        }
        else if (roles.FirstOrDefault(r => !Roles.Contains(r)) is { } unknown)
        {
            errors.Add("roles", $"未知角色 “{unknown}”");
        }
        else if (user is not null && user.RoleList.Contains(StaffRoles.Admin) && !roles.Contains(StaffRoles.Admin))
        {
            if (user.UserName == actor)
            {
                errors.Add("roles", "不能取消自己的管理员角色");
            }
            else if (user.IsActive && !await OtherActiveAdminAsync(user.UserName, cancellationToken))
            {
                errors.Add("roles", "不能取消最后一个在用管理员账户的管理员角色");
            }
        }

        if (userName is null)
        {
            CheckPassword(input.Password, errors);
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var now = time.GetUtcNow();
        var before = user is null ? null : View(user, now);
        if (user is null)
        {
            user = new StaffUser { Id = Guid.CreateVersion7(now), UserName = newName, IsActive = true };
            user.PasswordHash = hasher.HashPassword(user, input.Password!);
            db.Users.Add(user);
        }

        user.DisplayName = displayName;
        user.Email = email;
        user.OrgUnitCode = unitCode;
        user.Roles = string.Join(',', Roles.Where(roles.Contains));
        user.LegalQualification = input.LegalQualification;
        AdminJournal.Record(store, time, UserKind, user.UserName, before is null ? "user-created" : "user-updated", actor,
            $"{(before is null ? "新增" : "修改")}用户 {user.UserName} {user.DisplayName}", before, View(user, now));
        await store.SaveChangesAsync(cancellationToken);
        return errors;
    }

    /// <summary>Locks (the account can no longer sign in) or unlocks (also clearing a lockout after failed sign-ins).</summary>
    public async Task<Errors> SetLockedAsync(string userName, bool locked, string actor, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        if (user is null)
        {
            errors.Add("userName", $"没有用户 “{userName}”");
            return errors;
        }

        if (locked && user.UserName == actor)
        {
            errors.Add("userName", "不能锁定自己的账户");
            return errors;
        }

        if (locked && user.IsActive && user.RoleList.Contains(StaffRoles.Admin) && !await OtherActiveAdminAsync(user.UserName, cancellationToken))
        {
            errors.Add("userName", "不能锁定最后一个在用的管理员账户");
            return errors;
        }

        var now = time.GetUtcNow();
        var before = View(user, now);
        user.IsActive = !locked;
        if (!locked)
        {
            user.FailedLogins = 0;
            user.LockedUntil = null;
        }

        AdminJournal.Record(store, time, UserKind, user.UserName, locked ? "user-locked" : "user-unlocked", actor,
            $"{(locked ? "锁定" : "解锁")}用户 {user.UserName}", before, View(user, now));
        await store.SaveChangesAsync(cancellationToken);
        return errors;
    }

    /// <summary>Sets a new password the user is told out of band (the journal records that it was reset, never the hash).</summary>
    public async Task<Errors> ResetPasswordAsync(string userName, string? password, string actor, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        if (user is null)
        {
            errors.Add("userName", $"没有用户 “{userName}”");
            return errors;
        }

        CheckPassword(password, errors);
        if (errors.Count > 0)
        {
            return errors;
        }

        user.PasswordHash = hasher.HashPassword(user, password!);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        AdminJournal.Record(store, time, UserKind, user.UserName, "user-password-reset", actor, $"重置用户 {user.UserName} 的密码",
            new { password = "（原密码）" }, new { password = "（已重置，管理员另行告知）" });
        await store.SaveChangesAsync(cancellationToken);
        return errors;
    }

    /// <summary>Whether an active account other than <paramref name="userName"/> holds 管理员: without one nobody could run this console.</summary>
    private Task<bool> OtherActiveAdminAsync(string userName, CancellationToken cancellationToken)
    {
        var marker = "," + StaffRoles.Admin + ",";
        return db.Users.AnyAsync(u => u.UserName != userName && u.IsActive && ("," + u.Roles + ",").Contains(marker), cancellationToken);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,49}$")]
    private static partial Regex UnitCodePattern();

    private static void CheckPassword(string? password, Errors errors)
    {
        if (!PasswordRule.IsStrong(password))
        {
            errors.Add("password", PasswordRule.Message);
        }
    }

    private static bool IsSelfOrBelow(string candidate, string code, List<OrgUnit> units)
    {
        var parents = units.ToDictionary(u => u.Code, u => u.ParentCode);
        for (string? at = candidate; at is not null; at = parents.GetValueOrDefault(at))
        {
            if (at == code)
            {
                return true;
            }
        }

        return false;
    }

    private static UnitView View(OrgUnit u) => new(u.Code, u.Name, u.Level, u.ParentCode, u.Kind, u.SortOrder);

    private static UserView View(StaffUser u, DateTimeOffset now) =>
        new(u.UserName, u.DisplayName, u.Email, u.OrgUnitCode, u.RoleList, u.LegalQualification, !u.IsActive, u.LockedUntil > now ? u.LockedUntil : null);

    public sealed record PasswordRequest(string? Password);

    /// <summary>
    /// <c>GET/POST /api/admin/org-units</c>, <c>PUT /api/admin/org-units/{code}</c>; <c>GET/POST /api/admin/users</c>,
    /// <c>PUT /api/admin/users/{userName}</c>, <c>POST …/lock</c>, <c>…/unlock</c>, <c>…/password</c> <c>{ password }</c>.
    /// Changes answer 204, or 400 naming each bad field.
    /// </summary>
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/org-units", (OrgAdmin org, CancellationToken cancellationToken) => org.UnitsAsync(cancellationToken));
        admin.MapPost("/org-units", async (UnitInput input, OrgAdmin org, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await org.SaveUnitAsync(null, input, user.UserName, cancellationToken)));
        admin.MapPut("/org-units/{code}", async (string code, UnitInput input, OrgAdmin org, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await org.SaveUnitAsync(code, input, user.UserName, cancellationToken)));

        admin.MapGet("/users", (OrgAdmin org, CancellationToken cancellationToken) => org.UsersAsync(cancellationToken));
        admin.MapPost("/users", async (UserInput input, OrgAdmin org, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await org.SaveUserAsync(null, input, user.UserName, cancellationToken)));
        admin.MapPut("/users/{userName}", async (string userName, UserInput input, OrgAdmin org, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await org.SaveUserAsync(userName, input, user.UserName, cancellationToken)));
        admin.MapPost("/users/{userName}/lock", async (string userName, OrgAdmin org, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await org.SetLockedAsync(userName, true, user.UserName, cancellationToken)));
        admin.MapPost("/users/{userName}/unlock", async (string userName, OrgAdmin org, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await org.SetLockedAsync(userName, false, user.UserName, cancellationToken)));
        admin.MapPost("/users/{userName}/password", async (string userName, PasswordRequest request, OrgAdmin org, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await org.ResetPasswordAsync(userName, request.Password, user.UserName, cancellationToken)));
    }

    internal static Results<NoContent, ValidationProblem> Answer(Errors errors) =>
        errors.Count == 0 ? TypedResults.NoContent() : TypedResults.ValidationProblem(errors, title: "提交内容有误");
}
