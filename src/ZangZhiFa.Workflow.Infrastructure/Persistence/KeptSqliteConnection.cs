using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
#pragma warning disable EF1001 // SqliteRelationalConnection is EF's "internal" provider type; its protected open/close hooks are the only place to keep a pooled context's connection open (see the class remarks).
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// The SQLite connection of a <see cref="WorkflowDbContext"/>. With a <see cref="KeptConnections"/> among the options'
/// interceptors (the host's contexts) it is kept open for as long as the context lives — also while it waits in the
/// context pool, so the statements prepared on it stay (<see cref="SqliteStatements"/>); without, it behaves as EF's own.
/// </summary>
/// <remarks>
/// EF opens and closes a context's connection around every query and closes it when the pool takes the context back, and
/// closing a <see cref="SqliteConnection"/> finalises every statement prepared on it: each workflow step compiled its
/// ~20 statements (row inserts, journal heads, counters) from SQL text again, about a tenth of its processor time. Here
/// EF's "close" leaves the connection open; disposing the context (handed back to a full pool) closes it, and so does
/// the host when it stops (<see cref="KeptConnections"/>: EF never disposes the contexts left in its pool), so the pool
/// size bounds how many are open. EF's own bookkeeping (open counts, transactions) runs unchanged: an earlier
/// version swapped a kept connection into the context instead, and EF refused the swap on a context whose last user had
/// opened its connection without closing it — a 督办 timer then failed to fire.
/// <para>
/// Closing still closes when keeping the connection would carry state into the next use: a broken connection, and one
/// left inside a transaction EF does not know about (EF has already rolled back its own by then).
/// </para>
/// <para>
/// Every <see cref="WorkflowDbContext"/> gets this class (<see cref="WorkflowSqliteOptions"/>), kept or not: a replaced
/// service gives the options their own EF service provider and model, and a compiled query run against a context of
/// another model fails.
/// </para>
/// </remarks>
public sealed class KeptSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    private readonly bool _keep = dependencies.ContextOptions.FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<KeptConnections>().Any() == true;

    /// <summary>
    /// How many contexts the host's pool keeps, and so how many connections stay open at most: each holds file handles and
    /// up to 2 MB of page cache, and EF's default pool of 1,024 would leave a burst's worth open. A context past the limit
    /// is disposed when handed back, closing its connection.
    /// </summary>
    public const int PoolSize = 32;

    protected override void CloseDbConnection()
    {
        if (MustClose())
        {
            base.CloseDbConnection();
        }
    }

    protected override Task CloseDbConnectionAsync() => MustClose() ? base.CloseDbConnectionAsync() : Task.CompletedTask;

    private bool MustClose()
    {
        var connection = (SqliteConnection)DbConnection;
        return !_keep
            || connection.State != ConnectionState.Open
            || connection.Handle is not { } handle
            || SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0;
    }
}

/// <summary>
/// The connections kept open for one database: it hears every one opened (and starts its set of prepared statements,
/// <see cref="SqliteStatements"/>) and closes them when the host (its owner) is disposed. EF disposes a context handed
/// back to a full pool, but never the contexts still waiting in the pool when the pool goes, so without this the
/// connections would stay open until the garbage collector found them.
/// </summary>
public sealed class KeptConnections : DbConnectionInterceptor, IDisposable
{
    private readonly List<WeakReference<SqliteConnection>> _opened = [];
    private bool _disposed;

    /// <summary>How many connections are open now.</summary>
    public int OpenCount
    {
        get
        {
            lock (_opened)
            {
                Prune();
                return _opened.Count;
            }
        }
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Track(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Track(connection);
        return Task.CompletedTask;
    }

    private void Track(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite)
        {
            return;
        }

        lock (_opened)
        {
            if (_disposed)
            {
                // Opened while the host is stopping: it is not lent out again.
                sqlite.Close();
                return;
            }

            // Opening finalised any statements it had before.
            SqliteStatements.Keep(sqlite);
            Prune();
            if (!_opened.Exists(w => w.TryGetTarget(out var c) && ReferenceEquals(c, sqlite)))
            {
                // A connection closed (a stray transaction) and opened again is the same one.
                _opened.Add(new WeakReference<SqliteConnection>(sqlite));
            }
        }
    }

    private void Prune() => _opened.RemoveAll(w => !w.TryGetTarget(out var c) || c.State == ConnectionState.Closed);

    public void Dispose()
    {
        lock (_opened)
        {
            _disposed = true;
            foreach (var reference in _opened)
            {
                if (reference.TryGetTarget(out var connection))
                {
                    connection.Close();
                }
            }

            _opened.Clear();
        }
    }
}

public static class WorkflowSqliteOptions
{
    /// <summary>
    /// The one way to point a <see cref="WorkflowDbContext"/> at SQLite: the host, the tools, the bench and the tests
    /// share one EF service provider and model this way (see <see cref="KeptSqliteConnection"/>). Pass a
    /// <see cref="KeptConnections"/> among <paramref name="interceptors"/> to keep connections open.
    /// </summary>
    public static DbContextOptionsBuilder UseWorkflowSqlite(this DbContextOptionsBuilder options, string connectionString, params IInterceptor[] interceptors) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MaxBatchSize(128))
            .ReplaceService<ISqliteRelationalConnection, KeptSqliteConnection>()
            .AddInterceptors(interceptors);

    /// <inheritdoc cref="UseWorkflowSqlite(DbContextOptionsBuilder, string, IInterceptor[])"/>
    public static DbContextOptionsBuilder<WorkflowDbContext> UseWorkflowSqlite(
        this DbContextOptionsBuilder<WorkflowDbContext> options, string connectionString, params IInterceptor[] interceptors) =>
        (DbContextOptionsBuilder<WorkflowDbContext>)((DbContextOptionsBuilder)options).UseWorkflowSqlite(connectionString, interceptors);
}

/// <summary>
/// Prepared statements of a kept connection (<see cref="KeptSqliteConnection"/>), by SQL text. On any other connection a
/// command is made for the one use.
/// </summary>
internal static class SqliteStatements
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Kept = [];

    /// <summary>Starts an empty set of statements for a connection just opened (closing it finalised any it had).</summary>
    public static void Keep(SqliteConnection connection) => Kept.AddOrUpdate(connection, new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));

    /// <summary>
    /// A command for <paramref name="sql"/> in <paramref name="transaction"/> (or none), parameters cleared. Dispose it
    /// after use: a kept statement ignores that and stays prepared (<see cref="Lease"/>); a one-off command goes.
    /// </summary>
    public static Lease Command(DbConnection connection, DbTransaction? transaction, string sql) => Command(connection, transaction, sql, keepParameters: false);

    /// <summary>
    /// As <see cref="Command(DbConnection, DbTransaction?, string)"/>; with <paramref name="keepParameters"/> a kept statement
    /// keeps the parameters its last user added, for a caller that always binds the same ones in the same order and only
    /// sets their values (the row writer: creating ~25 parameter objects per row was most of its own time).
    /// </summary>
    public static Lease Command(DbConnection connection, DbTransaction? transaction, string sql, bool keepParameters)
    {
        // A connection is only used by one unit at a time, so its statements need no lock.
        if (connection is SqliteConnection sqlite && Kept.TryGetValue(sqlite, out var statements))
        {
            if (!statements.TryGetValue(sql, out var kept))
            {
                kept = sqlite.CreateCommand();
                kept.CommandText = sql;
                statements[sql] = kept;
            }

            kept.Transaction = (SqliteTransaction?)transaction;
            if (!keepParameters)
            {
                kept.Parameters.Clear();
            }

            return new Lease(kept, owned: false);
        }

        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return new Lease(command, owned: true);
    }

    /// <summary>Runs a statement without parameters or results (a PRAGMA) on <paramref name="connection"/>, kept prepared.</summary>
    public static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var lease = Command(connection, null, sql);
        await lease.Command.ExecuteNonQueryAsync(cancellationToken);
    }

    public readonly struct Lease(DbCommand command, bool owned) : IAsyncDisposable
    {
        public DbCommand Command { get; } = command;

        public ValueTask DisposeAsync() => owned ? Command.DisposeAsync() : ValueTask.CompletedTask;
    }
}
