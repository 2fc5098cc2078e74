using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// Lets one unit of work at a time hold SQLite's write transaction, queued in the process, and makes the commits
/// durable in groups. SQLite has a single writer; left to itself a second writer finds the file locked and its busy
/// handler sleeps and retries (1, 2, 5 … 100 ms), so under concurrent submissions most time went to sleeping, not
/// writing (94 complaints/s, p99 1.2 s). Waiting here is an async wait that hands over the moment the holder commits.
/// </summary>
/// <remarks>
/// <para><b>Group commit.</b> With <c>synchronous=FULL</c> SQLite flushes the write-ahead log to the disk inside every
/// commit, while the writer still holds the lock, so no other unit can write during the flush — on this machine's
/// disk 0.5 to 3 ms, most of a step. With <paramref name="synchronous"/> FULL or EXTRA the gate instead lets a unit
/// commit with <c>NORMAL</c> (the log is written, not yet flushed), hands the turn on, and only then flushes the log
/// (<see cref="SyncAsync"/>) before the unit reports success. One flush covers every commit written before it began,
/// so units that committed while a flush ran share the next one. A caller is told "saved" only once its commit is on
/// the disk, as with FULL; what changes is that the next writer no longer waits for that flush.</para>
/// <para>Why a log flush is enough: in WAL mode a transaction is durable once its frames, ending in the commit frame,
/// are on the disk — exactly what FULL's in-commit sync achieves; <c>NORMAL</c> still syncs the log header when the
/// log is reused and the database around checkpoints.</para>
/// </remarks>
public sealed class SqliteWriteGate(string synchronous = "FULL") : IDisposable
{
    /// <summary>As long as SQLite's own busy timeout: a turn not handed on by then is a bug, not a queue.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _sync = new(1, 1);
    private long _committed;
    private long _synced;
    private long _flushes;
    private long _turns;
    private long _heldTicks;
    private SqliteConnection? _writer;
    private string? _writerFor;

    /// <summary>True when commits are flushed by <see cref="SyncAsync"/> after the turn rather than inside it.</summary>
    public bool GroupCommit { get; } = synchronous.ToUpperInvariant() is "FULL" or "EXTRA" or "2" or "3";

    /// <summary>The <c>synchronous</c> level a connection goes back to when a unit hands on its turn.</summary>
    public string Synchronous { get; } = synchronous.ToUpperInvariant();

    /// <summary>Identifier values reserved in this process and not yet handed out (see <see cref="EfWorkflowStore.TakeSequenceValueAsync"/>).</summary>
    public SequenceBlocks Blocks { get; } = new();

    /// <summary>How many log flushes ran (they are shared between the commits that wait for them).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>How many write turns were handed out: the single writer's queue is the limit under load.</summary>
    public long Turns => Interlocked.Read(ref _turns);

    /// <summary>How long turns were held in all, in <see cref="System.Diagnostics.Stopwatch"/> ticks: under load, the share of the
    /// time the single writer was busy (the benchmark prints it per operation).</summary>
    public long HeldTicks => Interlocked.Read(ref _heldTicks);

    /// <summary>
    /// The connection a turn's holder writes a unit of flat rows on (<see cref="EfWorkflowStore"/>); call only while
    /// holding the turn. SQLite empties a connection's page cache whenever another connection has written to the file
    /// since its last use, and with the context pool lending each unit a different connection every commit re-read the
    /// index and table pages it changed: under four concurrent steps a completion held the turn twice as long as alone.
    /// Only this connection writes those units, so the pages it touched last time are still in its cache. Null when
    /// <paramref name="connectionString"/> names another database than the one it was opened on.
    /// </summary>
    public async Task<SqliteConnection?> WriterAsync(string connectionString, CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            // Not pooled: its settings differ from the pooled connections' (SqlitePragmas sets those once per native handle).
            var writer = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
            try
            {
                await writer.OpenAsync(cancellationToken);
            // As SqlitePragmas sets every connection, except that with group commit this one always commits unflushed
            // (SyncAsync flushes the log before anyone is told "saved"), and its page cache is 32 MB instead of 2: it is
            // one connection, and the index pages of every table the engine writes pass through it.
                await using var settings = writer.CreateCommand();
                settings.CommandText = SqlitePragmas.Settings(GroupCommit ? "NORMAL" : Synchronous) + " PRAGMA cache_size=-32768;";
                await settings.ExecuteNonQueryAsync(cancellationToken);
            }
            catch
            {
                await writer.DisposeAsync();
                throw;
            }

            SqliteStatements.Keep(writer);
            _writer = writer;
            _writerFor = connectionString;
        }

        return _writerFor == connectionString ? _writer : null;
    }

    /// <summary>Closes the writer connection after a failure that may have left it unusable; the next turn opens a new one.</summary>
    public void DropWriter()
    {
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>Waits for the write turn; dispose the result to hand it on.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(MaxWait, cancellationToken))
        {
            throw new TimeoutException("数据库写入繁忙，请稍后重试 (no write turn within 10 s)");
        }

        Interlocked.Increment(ref _turns);
        return new Turn(this);
    }

    /// <summary>
    /// Runs one write of a background writer (the timer dispatcher, the mail worker) in the turn: outside it the write
    /// would find SQLite locked by a step, sleep in the busy handler, and hold up the steps queued behind it.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        using (await EnterAsync(cancellationToken))
        {
            return await write();
        }
    }

    /// <summary>
    /// Like <see cref="WriteAsync{T}"/> for a write whose loss in a power cut is harmless (the timer dispatcher's delete
    /// of rows it handed over, which it would hand over again): on <paramref name="connection"/>, open, it runs with
    /// <c>synchronous=NORMAL</c>, so the turn is not held through a disk flush, and the connection goes back to the
    /// configured level afterwards, failed or not — the pool lends it to writers that count on it.
    /// </summary>
    public async Task<T> WriteUnflushedAsync<T>(DbConnection connection, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        using (await EnterAsync(cancellationToken))
        {
            await SqliteStatements.ExecuteAsync(connection, "PRAGMA synchronous=NORMAL", cancellationToken);
            try
            {
                return await write();
            }
            finally
            {
                await SqliteStatements.ExecuteAsync(connection, "PRAGMA synchronous=" + Synchronous, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Returns once every commit made on <paramref name="databaseFile"/> before this call is on the disk. Call after
    /// the commit and after handing on the turn; a flush already running may not cover this commit, so it waits for
    /// the next one, which in turn covers everyone who committed meanwhile.
    /// </summary>
    public async Task SyncAsync(string databaseFile, CancellationToken cancellationToken)
    {
        var mine = Interlocked.Increment(ref _committed);
        await _sync.WaitAsync(cancellationToken);
        try
        {
            if (Interlocked.Read(ref _synced) >= mine)
            {
                return;
            }

            // Every commit counted so far finished writing its frames before it was counted.
            var covered = Interlocked.Read(ref _committed);
            FlushLog(databaseFile + "-wal");
            Interlocked.Increment(ref _flushes);
            Interlocked.Exchange(ref _synced, covered);
        }
        finally
        {
            _sync.Release();
        }
    }

    private static void FlushLog(string walFile)
    {
        try
        {
            using var log = new FileStream(walFile, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            log.Flush(flushToDisk: true);
        }
        catch (FileNotFoundException)
        {
            // The last connection closed and checkpointed the log into the database, syncing it: nothing left to flush.
        }
    }

    public void Dispose()
    {
        DropWriter();
        _gate.Dispose();
        _sync.Dispose();
        Blocks.Dispose();
    }

    private sealed class Turn(SqliteWriteGate owner) : IDisposable
    {
        private readonly long _taken = System.Diagnostics.Stopwatch.GetTimestamp();
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Add(ref owner._heldTicks, System.Diagnostics.Stopwatch.GetTimestamp() - _taken);
                owner._gate.Release();
            }
        }
    }
}
