using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// Per-connection SQLite settings. WAL is a property of the file (set once at start-up); <c>synchronous</c>
/// and the busy timeout belong to each native connection and stay with it while the pool lends it out again, so
/// they are set once per native connection — not on every open, which is every unit of work (~0.15 ms each).
/// </summary>
public sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    private readonly string _sql = Settings(synchronous);

    /// <summary>The settings every connection to the database gets, at <paramref name="synchronous"/> durability.</summary>
    public static string Settings(string synchronous) => $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

    // Keyed by the native handle the pool hands out; an entry goes when its handle is collected.
    private static readonly object Configured = new();

    private readonly ConditionalWeakTable<object, object> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsSettings(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = _sql;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsSettings(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool NeedsSettings(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _configured.TryAdd(handle, Configured);
}
