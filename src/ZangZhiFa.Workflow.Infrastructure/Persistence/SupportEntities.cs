namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>A named counter (document numbers, tracking numbers), incremented inside the caller's transaction.</summary>
public sealed class SequenceCounter
{
    public string Name { get; set; } = "";

    public long Value { get; set; }
}

/// <summary>
/// Outbox row telling the scheduler which timers a commit added or removed. Written in the same transaction
/// as the timer bookmarks, so a committed timer is never lost even if the process dies before Quartz hears of
/// it. One row per commit, not per timer: a task with a deadline and two reminders is one insert here.
/// </summary>
public sealed class TimerCommand
{
    public long Id { get; set; }

    /// <summary>The changes, in order, as JSON (see <see cref="TimerChange"/>).</summary>
    public string ChangesJson { get; set; } = "[]";

    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<TimerChange> Changes =>
        System.Text.Json.JsonSerializer.Deserialize<List<TimerChange>>(ChangesJson) ?? [];
}

/// <summary>A timer bookmark to schedule at <see cref="DueAt"/>, or (when null) one whose trigger should go.</summary>
public sealed record TimerChange(Guid BookmarkId, DateTimeOffset? DueAt);

/// <summary>A unit of the four-level tree (自治区→地市→县→乡镇) or an enforcement unit under one.</summary>
public sealed class OrgUnit
{
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>1 自治区, 2 地(市), 3 县(区), 4 乡镇/街道.</summary>
    public int Level { get; set; }

    public string? ParentCode { get; set; }

    /// <summary><c>justice</c> (司法行政部门, supervises) or <c>enforcement</c> (执法单位, may be complained about).</summary>
    public string Kind { get; set; } = "justice";

    public int SortOrder { get; set; }
}

/// <summary>A staff member: who they are, where they sit and which roles they hold.</summary>
public sealed class StaffUser
{
    public Guid Id { get; set; }

    public string UserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string? Email { get; set; }

    public string OrgUnitCode { get; set; } = "";

    /// <summary>Role names (受理员、承办人、法制审核员、监督科长、特邀监督员、管理员), comma-separated.</summary>
    public string Roles { get; set; } = "";

    public string? PasswordHash { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>Whether the user holds 法律职业资格 (required of first-time legal reviewers).</summary>
    public bool LegalQualification { get; set; }

    /// <summary>Consecutive failed logins; reset by a successful one.</summary>
    public int FailedLogins { get; set; }

    /// <summary>Login refused until then after too many failures.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
