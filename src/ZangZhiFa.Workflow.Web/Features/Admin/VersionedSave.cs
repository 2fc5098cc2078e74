using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Admin;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// Saves a unit that adds a numbered version (a unique index on the number). When another admin took the same number
/// first the save fails, nothing of it is written, and the tracker is cleared so an interactive page's context stays
/// usable; the caller then answers with a validation error instead of a 500.
/// </summary>
internal static class VersionedSave
{
    /// <summary>True when saved; false when <paramref name="versionTaken"/> finds the number already stored. Any other failure is rethrown.</summary>
    public static async Task<bool> TrySaveAsync(IWorkflowStore store, WorkflowDbContext db, Func<CancellationToken, Task<bool>> versionTaken, CancellationToken cancellationToken)
    {
        try
        {
            await store.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await versionTaken(cancellationToken))
            {
                throw;
            }

            return false;
        }
    }

    /// <summary>The same for an <see cref="AdminContent"/> row (calendar year, notice template).</summary>
    public static Task<bool> TrySaveContentAsync(IWorkflowStore store, WorkflowDbContext db, string kind, string key, int version, CancellationToken cancellationToken) =>
        TrySaveAsync(store, db, ct => db.AdminContents.AsNoTracking().AnyAsync(r => r.Kind == kind && r.Key == key && r.Version == version, ct), cancellationToken);

    /// <summary>The message for a number another admin saved first.</summary>
    public static string Taken(int version) => $"v{version} 刚被其他管理员保存，请刷新后重试 (version taken)";
}
