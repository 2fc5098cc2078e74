using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// Gives each pooled <see cref="WorkflowDbContext"/> that runs workflow steps a SQLite connection of its own that stays
/// open while the context lives in the pool, with its prepared statements (<see cref="SqliteStatements"/>).
/// </summary>
/// <remarks>
/// Left to EF, a pooled context closes its connection when it goes back to the pool, and closing a
/// <see cref="SqliteConnection"/> finalises every statement prepared on it: each step compiled its ~20 statements
/// (row inserts, journal heads, settings) from SQL text again — about a tenth of a step's processor time went to
/// SQLite's parser and planner. A kept connection is opened once, configured once, and its statements are
/// compiled once. It is not owned by the context (EF neither closes nor disposes it); this keeper closes them all
/// when the host stops.
/// </remarks>
/// <param name="synchronous">The durability setting every connection runs with.</param>
/// <param name="maxKept">
/// How many connections stay open at most. Each holds file handles and up to 2 MB of page cache, and the context pool
/// keeps up to 1,024 contexts, so a burst of requests must not leave a thousand connections open; past the limit a
/// unit opens and closes its context's connection as EF would.
/// </param>
public sealed class SqliteConnectionKeeper(string synchronous, int maxKept = 32) : IDisposable
{
    private readonly string _settings = SqlitePragmas.Settings(synchronous);
    private readonly List<WeakReference<SqliteConnection>> _opened = [];
    private int _reserved; // being opened, counted against the limit
    private bool _disposed;

    /// <summary>
    /// Opens the context's connection for the unit: its kept connection, made on the context's first unit. A context
    /// whose own connection is already open (a query in the same scope opened it) keeps using that one.
    /// </summary>
    public async Task OpenAsync(DbContext db, CancellationToken cancellationToken)
    {
        var current = db.Database.GetDbConnection();
        if (current is SqliteConnection sqlite && SqliteStatements.IsKept(sqlite))
        {
            if (sqlite.State != System.Data.ConnectionState.Open)
            {
                // Someone closed it, which finalised its statements: start again.
                await OpenAndConfigureAsync(sqlite, cancellationToken);
                SqliteStatements.Keep(sqlite);
            }

            return;
        }

        if (current.State != System.Data.ConnectionState.Closed || !TryReserve())
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            return;
        }

        // Never pooled by Microsoft.Data.Sqlite: it is never closed while in use, and closing it at shutdown must
        // release the file, not park the handle in a pool.
        var kept = new SqliteConnection(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ConnectionString);
        try
        {
            await OpenAndConfigureAsync(kept, cancellationToken);
        }
        catch
        {
            lock (_opened)
            {
                _reserved--;
            }

            await kept.DisposeAsync();
            throw;
        }

        SqliteStatements.Keep(kept);
        lock (_opened)
        {
            _reserved--;
            _opened.Add(new WeakReference<SqliteConnection>(kept));
        }

        db.Database.SetDbConnection(kept, contextOwnsConnection: false);
    }

    /// <summary>How many connections are kept (those of contexts the pool dropped go when collected).</summary>
    public int Count
    {
        get
        {
            lock (_opened)
            {
                _opened.RemoveAll(w => !w.TryGetTarget(out _));
                return _opened.Count;
            }
        }
    }

    private bool TryReserve()
    {
        lock (_opened)
        {
            _opened.RemoveAll(w => !w.TryGetTarget(out _));
            if (_disposed || _opened.Count + _reserved >= maxKept)
            {
                return false;
            }

            _reserved++;
            return true;
        }
    }

    private async Task OpenAndConfigureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = _settings;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose()
    {
        lock (_opened)
        {
            _disposed = true;
            foreach (var reference in _opened)
            {
                if (reference.TryGetTarget(out var connection))
                {
                    connection.Dispose();
                }
            }

            _opened.Clear();
        }
    }
}

/// <summary>
/// Prepared statements of a kept connection (<see cref="SqliteConnectionKeeper"/>), by SQL text. On any other
/// connection a command is made for the one use, as before.
/// </summary>
internal static class SqliteStatements
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Kept = [];

    public static bool IsKept(SqliteConnection connection) => Kept.TryGetValue(connection, out _);

    public static void Keep(SqliteConnection connection) => Kept.AddOrUpdate(connection, new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));

    /// <summary>
    /// A command for <paramref name="sql"/> in <paramref name="transaction"/> (or none), parameters cleared. Dispose it
    /// after use: a kept statement ignores that and stays prepared (<see cref="Lease"/>); a one-off command goes.
    /// </summary>
    public static Lease Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        // A connection is only used by one unit at a time, so its statements need no lock.
        if (connection is SqliteConnection sqlite && Kept.TryGetValue(sqlite, out var statements))
        {
            if (!statements.TryGetValue(sql, out var kept) || kept.Connection is null)
            {
                kept = sqlite.CreateCommand();
                kept.CommandText = sql;
                statements[sql] = kept;
            }

            kept.Transaction = (SqliteTransaction?)transaction;
            kept.Parameters.Clear();
            return new Lease(kept, owned: false);
        }

        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return new Lease(command, owned: true);
    }

    public readonly struct Lease(DbCommand command, bool owned) : IAsyncDisposable
    {
        public DbCommand Command { get; } = command;

        public ValueTask DisposeAsync() => owned ? Command.DisposeAsync() : ValueTask.CompletedTask;
    }
}
