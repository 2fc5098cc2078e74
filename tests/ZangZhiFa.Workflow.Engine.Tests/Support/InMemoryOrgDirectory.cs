using ZangZhiFa.Workflow.Engine.Abstractions;

namespace ZangZhiFa.Workflow.Engine.Tests.Support;

/// <summary>A small four-level tree with one contact per role and unit; the real one reads the same shape from the database.</summary>
public sealed class InMemoryOrgDirectory : IOrgDirectory
{
    private readonly Dictionary<string, OrgUnitInfo> _units = new(StringComparer.Ordinal)
    {
        ["540000"] = new("540000", "西藏自治区司法厅", 1, null),
        ["540100"] = new("540100", "拉萨市司法局", 2, "540000"),
        ["540102"] = new("540102", "城关区司法局", 3, "540100"),
        ["540102-cgzf"] = new("540102-cgzf", "城关区城市管理综合行政执法局", 3, "540102"),
        ["540102-scjg"] = new("540102-scjg", "城关区市场监督管理局", 3, "540102"),
        ["540102001"] = new("540102001", "城关区八廓街道司法所", 4, "540102"),
    };

    public Task<OrgUnitInfo?> FindAsync(string code, CancellationToken cancellationToken) =>
        Task.FromResult(_units.GetValueOrDefault(code));

    public Task<IReadOnlyList<string>> GetEmailsAsync(string role, string orgUnitCode, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_units.ContainsKey(orgUnitCode) ? [$"{role}@{orgUnitCode}.test"] : []);

    /// <summary>Staff by role, for pool assignment; tests add and remove people as their case needs.</summary>
    public List<(string UserName, string OrgUnitCode, string Role)> Members { get; } =
    [
        ("fzsh.chengguan", "540102", "法制审核员"),
        ("fzsh.scjg", "540102-scjg", "法制审核员"),
    ];

    /// <summary>Who lacks 法律职业资格; everyone else in <see cref="Members"/> holds it, as the demo reviewers do.</summary>
    public HashSet<string> Unqualified { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<StaffMember>> GetMembersAsync(string role, string orgUnitCode, bool withChildUnits, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StaffMember>>(
        [
            .. Members
                .Where(m => m.Role == role && (m.OrgUnitCode == orgUnitCode || (withChildUnits && _units.GetValueOrDefault(m.OrgUnitCode)?.ParentCode == orgUnitCode)))
                .OrderBy(m => m.UserName, StringComparer.Ordinal)
                .Select(m => new StaffMember(m.UserName, m.OrgUnitCode, !Unqualified.Contains(m.UserName))),
        ]);
}
