namespace ZangZhiFa.Workflow.Engine.Abstractions;

/// <summary>An org unit of the four-level tree (自治区→地市→县→乡镇) as the engine needs it.</summary>
public sealed record OrgUnitInfo(string Code, string Name, int Level, string? ParentCode);

/// <summary>
/// An active staff member holding a role, with the unit they belong to (for recusal by unit) and whether they hold
/// 国家统一法律职业资格 (法律职业资格), which 《行政处罚法》 Art. 58 requires of first-time legal reviewers.
/// </summary>
public sealed record StaffMember(string UserName, string OrgUnitCode, bool LegalQualification = false);

/// <summary>The org tree and who to notify, implemented over the staff database.</summary>
public interface IOrgDirectory
{
    Task<OrgUnitInfo?> FindAsync(string code, CancellationToken cancellationToken);

    /// <summary>E-mail addresses of the users holding <paramref name="role"/> in <paramref name="orgUnitCode"/>.</summary>
    Task<IReadOnlyList<string>> GetEmailsAsync(string role, string orgUnitCode, CancellationToken cancellationToken);

    /// <summary>
    /// Active users holding <paramref name="role"/> in <paramref name="orgUnitCode"/> and, with
    /// <paramref name="withChildUnits"/>, in the units directly under it (a 法制审核协作 pool draws on both), each
    /// with their <see cref="StaffMember.LegalQualification"/>.
    /// </summary>
    Task<IReadOnlyList<StaffMember>> GetMembersAsync(string role, string orgUnitCode, bool withChildUnits, CancellationToken cancellationToken);
}
