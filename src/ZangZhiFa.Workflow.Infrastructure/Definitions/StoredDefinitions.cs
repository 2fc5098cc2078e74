using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Definitions;

/// <summary>Brings the versions admins published back into the catalog after a restart.</summary>
public static class StoredDefinitions
{
    /// <summary>
    /// Adds every stored published version to <paramref name="catalog"/>. They were validated when published and
    /// instances may be running on them, so they are loaded as they are rather than validated again: a later change
    /// to the validator must not strand a running case. Retired versions are loaded too (cases may still run on
    /// them) and marked retired, so no new instance starts on them.
    /// </summary>
    public static async Task<int> LoadPublishedAsync(WorkflowDbContext db, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var rows = await db.StoredDefinitions.AsNoTracking()
            .Where(d => d.Status == StoredDefinitionStatus.Published || d.Status == StoredDefinitionStatus.Retired)
            .OrderBy(d => d.DefinitionId).ThenBy(d => d.Version)
            .ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            if (row.Status == StoredDefinitionStatus.Retired)
            {
                // A shipped version's retirement row only marks it; an admin-published one brings its text back first.
                if (catalog.Find(row.DefinitionId, row.Version!.Value) is null)
                {
                    catalog.Publish(WorkflowDefinitionSerializer.Deserialize(row.Json, $"{row.DefinitionId} v{row.Version}"));
                }

                catalog.Retire(row.DefinitionId, row.Version!.Value);
                continue;
            }

            if (catalog.Find(row.DefinitionId, row.Version!.Value) is not null)
            {
                // A shipped file took a number an admin had already published; silently preferring either would move
                // running cases onto a flow they did not start on.
                throw new InvalidOperationException(
                    $"流程 “{row.DefinitionId}” v{row.Version} 既有发布文件又有管理员发布的版本，请给文件换一个更高的版本号 (version clash between workflows/ and the database)");
            }

            catalog.Publish(WorkflowDefinitionSerializer.Deserialize(row.Json, $"{row.DefinitionId} v{row.Version}"));
        }

        return rows.Count;
    }
}
