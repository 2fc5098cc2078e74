using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// Per-connection SQLite settings. WAL is a property of the file (set once at start-up); <c>synchronous</c>
/// and the busy timeout belong to each connection, so they are set every time one opens.
/// </summary>
public sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    private readonly string _sql = $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
