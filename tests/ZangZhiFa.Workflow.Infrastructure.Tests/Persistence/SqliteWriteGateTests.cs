using Microsoft.Data.Sqlite;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Persistence;

public sealed class SqliteWriteGateTests
{
    [Fact]
    public async Task WriteUnflushed_RunsAtNormalAndHandsTheConnectionBackAtFull_WhenTheWriteSucceedsOrFails()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA synchronous=FULL");

        var during = await database.WriteGate.WriteUnflushedAsync(connection, () => ExecuteAsync(connection, "PRAGMA synchronous"), CancellationToken.None);
        var failing = () => database.WriteGate.WriteUnflushedAsync<long>(connection, () => throw new InvalidOperationException("写入失败"), CancellationToken.None);
        await failing.Should().ThrowAsync<InvalidOperationException>();

        during.Should().Be(1L, "the write itself is not flushed (NORMAL)");
        (await ExecuteAsync(connection, "PRAGMA synchronous")).Should().Be(2L, "the pool lends the connection to writers that count on FULL");
        using var next = await database.WriteGate.EnterAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }

    private static async Task<long> ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync() is long value ? value : 0;
    }
}
