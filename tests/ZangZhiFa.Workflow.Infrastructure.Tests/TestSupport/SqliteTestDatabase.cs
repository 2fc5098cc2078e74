using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

/// <summary>A real SQLite file in a temp folder, migrated like production, deleted afterwards.</summary>
public sealed class SqliteTestDatabase : IAsyncDisposable
{
    private SqliteTestDatabase(string folder)
    {
        Folder = folder;
        ConnectionString = $"Data Source={Path.Combine(folder, "test.db")};Pooling=False";
    }

    public string Folder { get; }

    public string ConnectionString { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));

    public TimerOutboxSignal TimerSignal { get; } = new();

    public MailOutboxSignal MailSignal { get; } = new();

    public static async Task<SqliteTestDatabase> CreateAsync()
    {
        var database = new SqliteTestDatabase(Directory.CreateTempSubdirectory("zzf-db-").FullName);
        await using var db = database.CreateContext();
        await DatabaseInitializer.MigrateAsync(db, CancellationToken.None);
        return database;
    }

    public WorkflowDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<WorkflowDbContext>()
            .UseWorkflowSqlite(ConnectionString, new SqlitePragmas("FULL"))
            .Options);

    /// <summary>One per database, as the host has one: stores of this database queue for the write turn.</summary>
    public SqliteWriteGate WriteGate { get; } = new();

    public EfWorkflowStore CreateStore(WorkflowDbContext db) => new(db, Time, TimerSignal, MailSignal, WriteGate);

    public ValueTask DisposeAsync()
    {
        WriteGate.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow CI disk is left for the OS temp cleaner; the test result stands.
        }

        return ValueTask.CompletedTask;
    }
}
