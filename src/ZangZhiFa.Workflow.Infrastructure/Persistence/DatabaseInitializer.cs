using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>Brings the database to the current schema with migrations and switches it to WAL.</summary>
public static class DatabaseInitializer
{
    public static async Task MigrateAsync(WorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is SqliteConnection sqlite && sqlite.DataSource is { Length: > 0 } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers (inbox, status page) run while a step commits; it persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
