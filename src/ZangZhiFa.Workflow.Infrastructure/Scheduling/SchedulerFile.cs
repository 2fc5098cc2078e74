using Microsoft.Data.Sqlite;

namespace ZangZhiFa.Workflow.Infrastructure.Scheduling;

/// <summary>The Quartz job store's SQLite file.</summary>
public static class SchedulerFile
{
    /// <summary>
    /// Puts the file in WAL mode before Quartz opens it (the mode is stored in the file, so once is enough). In
    /// SQLite's default rollback-journal mode every scheduler commit created, flushed and deleted a journal file and
    /// flushed the database twice; with WAL it is one log flush, and Quartz's reads no longer wait for its writes.
    /// Commits stay durable (<c>synchronous</c> FULL, SQLite's default): a timer handed over must not be lost.
    /// </summary>
    public static void UseWriteAheadLog(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
