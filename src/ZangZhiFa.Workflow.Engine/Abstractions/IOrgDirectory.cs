namespace ZangZhiFa.Workflow.Engine.Abstractions;

/// <summary>An org unit of the four-level tree (自治区→地市→县→乡镇) as the engine needs it.</summary>
public sealed record OrgUnitInfo(string Code, string Name, int Level, string? ParentCode);

/// <summary>The org tree and who to notify, implemented over the staff database.</summary>
public interface IOrgDirectory
{
    Task<OrgUnitInfo?> FindAsync(string code, CancellationToken cancellationToken);

    /// <summary>E-mail addresses of the users holding <paramref name="role"/> in <paramref name="orgUnitCode"/>.</summary>
    Task<IReadOnlyList<string>> GetEmailsAsync(string role, string orgUnitCode, CancellationToken cancellationToken);
}
