using System.Data.Common;
using FluentAssertions;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Persistence;

public sealed class SqlitePragmasTests : IAsyncLifetime
{
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ConnectionOpened_LeavesEveryPooledConnectionDurable_WhenThePoolLendsItAgain()
    {
        // The host's shape: one interceptor for the app, pooled native connections.
        var options = new DbContextOptionsBuilder<WorkflowDbContext>()
            .UseWorkflowSqlite(_database.ConnectionString.Replace("Pooling=False", "Pooling=True", StringComparison.Ordinal), new SqlitePragmas("FULL"))
            .Options;

        await using (var first = new WorkflowDbContext(options))
        await using (var second = new WorkflowDbContext(options))
        {
            // Two open at once: two native connections, each configured.
            await first.Database.OpenConnectionAsync();
            await second.Database.OpenConnectionAsync();
            (await SettingsAsync(first)).Should().Be((2L, 1L, 10_000L));
            (await SettingsAsync(second)).Should().Be((2L, 1L, 10_000L));
        }

        for (var i = 0; i < 3; i++)
        {
            await using var again = new WorkflowDbContext(options);
            await again.Database.OpenConnectionAsync();
            (await SettingsAsync(again)).Should().Be((2L, 1L, 10_000L), "a connection lent again keeps synchronous=FULL, foreign keys and the busy timeout");
        }
    }

    private static async Task<(long Synchronous, long ForeignKeys, long BusyTimeout)> SettingsAsync(WorkflowDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        return (await ScalarAsync(connection, "PRAGMA synchronous"), await ScalarAsync(connection, "PRAGMA foreign_keys"), await ScalarAsync(connection, "PRAGMA busy_timeout"));
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
