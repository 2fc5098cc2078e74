namespace ZangZhiFa.Workflow.Engine.Abstractions;

/// <summary>Walks of the org tree the activities share, so "n levels above" means the same everywhere.</summary>
public static class OrgDirectoryExtensions
{
    /// <summary>
    /// The unit <paramref name="code"/> and the units above it, nearest first: at most <paramref name="levels"/>
    /// above it, fewer when the tree ends sooner (the last entry is then the top, 西藏自治区司法厅). Empty when the
    /// unit itself is unknown.
    /// </summary>
    public static async Task<IReadOnlyList<OrgUnitInfo>> LineUpwardAsync(this IOrgDirectory orgs, string code, int levels, CancellationToken cancellationToken)
    {
        var line = new List<OrgUnitInfo>();
        var unit = await orgs.FindAsync(code, cancellationToken);
        while (unit is not null)
        {
            line.Add(unit);
            if (line.Count > levels || unit.ParentCode is not { } parentCode)
            {
                break;
            }

            unit = await orgs.FindAsync(parentCode, cancellationToken);
        }

        return line;
    }
}
