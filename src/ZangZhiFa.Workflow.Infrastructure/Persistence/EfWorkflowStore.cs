using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Audit;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// The engine's unit of work over <see cref="WorkflowDbContext"/>. One instance per request or job; after a
/// failed <see cref="SaveChangesAsync(CancellationToken)"/> the scope must be thrown away and the work redone from fresh reads.
/// </summary>
public sealed class EfWorkflowStore(WorkflowDbContext db, TimeProvider time, TimerOutboxSignal timerSignal, MailOutboxSignal mailSignal, SqliteWriteGate writeGate)
    : IWorkflowStore, IAsyncDisposable
{
    private IDbContextTransaction? _transaction;
    private IDisposable? _writeTurn;
    private bool _mailQueued;
    private bool _opened;
    private bool _lowered; // the connection commits with synchronous=NORMAL during this unit's turn
    private bool _syncPending; // a commit made while lowered awaits its log flush

    public WorkflowDbContext Db => db;

    // The engine's rows, outside EF's change tracker (see EngineRowSet): a row the unit already holds is not read again.
    private readonly EngineRowSet _rows = new(db);

    public async Task<WorkflowInstance?> FindInstanceAsync(Guid id, CancellationToken cancellationToken) =>
        _rows.TryFind<WorkflowInstance>(id, out var held) ? held : await FindAsync<WorkflowInstance>(id, cancellationToken);

    public async Task<Bookmark?> FindBookmarkAsync(Guid id, CancellationToken cancellationToken) =>
        _rows.TryFind<Bookmark>(id, out var held) ? held : await FindAsync<Bookmark>(id, cancellationToken);

    public async Task<WorkflowTask?> FindTaskAsync(Guid id, CancellationToken cancellationToken) =>
        _rows.TryFind<WorkflowTask>(id, out var held) ? held : await FindAsync<WorkflowTask>(id, cancellationToken);

    public async Task<IReadOnlyList<Bookmark>> ListBookmarksAsync(Guid instanceId, CancellationToken cancellationToken) =>
        await ReadAsync<Bookmark>(cancellationToken, ("InstanceId", instanceId));

    public async Task<IReadOnlyList<WorkflowTask>> ListOpenTasksAsync(Guid instanceId, CancellationToken cancellationToken) =>
        await ReadAsync<WorkflowTask>(cancellationToken, ("InstanceId", instanceId), ("Status", WorkflowTaskStatus.Open));

    private async Task<T?> FindAsync<T>(Guid id, CancellationToken cancellationToken)
        where T : class =>
        (await ReadAsync<T>(cancellationToken, ("Id", id))) is [var row] ? row : null;

    /// <summary>
    /// The rows where each named column equals its value, as the unit holds them: a row it already holds is that object
    /// (with its unsaved changes), one it removed is left out. Like an EF query, a row it added and has not saved is not found.
    /// </summary>
    private async Task<List<T>> ReadAsync<T>(CancellationToken cancellationToken, params (string Property, object? Value)[] equal)
        where T : class
    {
        await OpenAsync(cancellationToken);
        var table = _rows.Table(typeof(T));
        var filter = string.Join(" AND ", equal.Select(e => $"{table[e.Property].Quoted} = @{e.Property}"));
        var read = await SqliteRowWriter.ReadAsync<T>(db.Database.GetDbConnection(), db.Database.CurrentTransaction?.GetDbTransaction(), table, filter,
            [.. equal.Select(e => (table[e.Property], e.Value))], cancellationToken);
        var rows = new List<T>(read.Count);
        foreach (var row in read)
        {
            if (_rows.Attach(row) is { } held)
            {
                rows.Add(held);
            }
        }

        return rows;
    }

    /// <summary>
    /// Keeps one connection open for the whole unit of work. Left to itself EF opens and closes the connection
    /// around every query and the save, and on SQLite each reopen costs more than the statements it runs. (The host's
    /// contexts keep their connection open between units too: <see cref="KeptSqliteConnection"/>.)
    /// </summary>
    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (!_opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            _opened = true;
        }
    }

    /// <summary>
    /// Increments the counter inside this unit's transaction (opened here if needed), so a number is used
    /// only if the step that took it commits; concurrent writers queue for the write turn.
    /// </summary>
    public async Task<long> NextSequenceValueAsync(string name, CancellationToken cancellationToken)
    {
        await BeginWriteAsync(cancellationToken);
        return await IncrementAsync(name, cancellationToken);
    }

    /// <summary>
    /// Takes the next value of an identifier counter without holding the write lock while the unit runs: values are
    /// reserved <see cref="SequenceBlocks.BlockSize"/> at a time, in a transaction of their own committed at once, and
    /// handed out from memory (a tracking number). A value is never handed out twice, but one this unit takes and
    /// then does not use (it fails, or finds a duplicate), and the unused rest of a block when the process stops,
    /// are gaps — which an identifier may have and a document number may not (those use
    /// <see cref="NextSequenceValueAsync"/>).
    /// </summary>
    public async Task<long> TakeSequenceValueAsync(string name, CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("take the number before the unit starts writing");
        }

        var blocks = writeGate.Blocks;
        if (blocks.TryTake(name, out var value))
        {
            return value;
        }

        await blocks.Reserving.WaitAsync(cancellationToken);
        try
        {
            if (blocks.TryTake(name, out value))
            {
                // Whoever reserved before us left values: a burst of callers makes one reservation, and one write turn.
                return value;
            }

            await BeginWriteAsync(cancellationToken);
            try
            {
                var last = await IncrementAsync(name, cancellationToken, SequenceBlocks.BlockSize);
                // Not flushed on its own: the log is written in order, so the flush of the unit's own commit covers
                // this one, and if the unit never commits, a block lost to a power cut is a gap like any other.
                await _transaction!.CommitAsync(cancellationToken);
                return blocks.AddAndTake(name, last - SequenceBlocks.BlockSize + 1, last);
            }
            finally
            {
                await EndWriteAsync();
            }
        }
        finally
        {
            blocks.Reserving.Release();
        }
    }

    private async Task<long> IncrementAsync(string name, CancellationToken cancellationToken, int by = 1)
    {
        await using var lease = SqliteStatements.Command(db.Database.GetDbConnection(), _transaction!.GetDbTransaction(),
            "INSERT INTO sequences (Name, Value) VALUES (@name, @by) ON CONFLICT (Name) DO UPDATE SET Value = Value + @by RETURNING Value");
        var command = lease.Command;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@name";
        parameter.Value = name;
        command.Parameters.Add(parameter);
        var step = command.CreateParameter();
        step.ParameterName = "@by";
        step.Value = by;
        command.Parameters.Add(step);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void AddInstance(WorkflowInstance instance) => _rows.Add(instance);

    public void AddBookmark(Bookmark bookmark) => _rows.Add(bookmark);

    public void RemoveBookmark(Bookmark bookmark) => _rows.Remove(bookmark);

    public void AddTask(WorkflowTask task) => _rows.Add(task);

    public void Update(object entity)
    {
        // Rows read through this store are compared with their copy as read when the unit saves; new ones are already added.
    }

    public void AddJournal(JournalEntry entry) => _rows.Add(entry);

    public void AddNotice(IssuedNotice notice) => _rows.Add(notice);

    public void QueueMail(OutgoingMail mail)
    {
        _rows.Add(mail);
        _mailQueued = true;
    }

    public Task SaveChangesAsync(CancellationToken cancellationToken) => SaveChangesAsync(null, cancellationToken);

    /// <summary>
    /// Saves the unit like <see cref="SaveChangesAsync(CancellationToken)"/>, running <paramref name="checkInTurn"/> once
    /// the write turn is held and before anything is written: when it returns false nothing is saved, the unit rolls
    /// back and this returns false. What can be prepared without the turn (the change scan, the timer outbox row) is
    /// done before it is taken: the single writer's turn is the limit under load, and a check that must see every
    /// commit before it (a duplicate submission) would otherwise hold it from the check to the end of the save.
    /// </summary>
    public async Task<bool> SaveChangesAsync(Func<CancellationToken, Task<bool>>? checkInTurn, CancellationToken cancellationToken)
    {
        // One change scan for the whole save: left on, every Entries() and EF's own save scan all tracked rows again.
        var tracker = db.ChangeTracker;
        tracker.DetectChanges();
        var autoDetect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        bool timersChanged;
        try
        {
            timersChanged = WriteTimerOutbox();
            var committed = await CommitAsync(checkInTurn, cancellationToken);
            if (committed != Commit.Done)
            {
                return committed != Commit.Declined;
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = autoDetect;
        }

        // Saved means on the disk: the flush runs after the turn is handed on, shared with whoever committed meanwhile.
        await SyncAsync(cancellationToken);

        if (timersChanged)
        {
            timerSignal.Notify();
        }

        if (_mailQueued)
        {
            _mailQueued = false;
            mailSignal.Notify();
        }

        return true;
    }

    private enum Commit
    {
        Nothing,
        Declined,
        Done,
    }

    private async Task<Commit> CommitAsync(Func<CancellationToken, Task<bool>>? checkInTurn, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        try
        {
            if (_transaction is null && !db.ChangeTracker.HasChanges() && !_rows.HasChanges())
            {
                return Commit.Nothing;
            }

            if (_transaction is null && OnlyFlatRows()
                && await CommitOnWriterAsync(checkInTurn, cancellationToken) is { } done)
            {
                return done;
            }

            // Always an explicit transaction, so EF never begins one of its own outside the write gate.
            await BeginWriteAsync(cancellationToken);
            if (checkInTurn is not null && !await checkInTurn(cancellationToken))
            {
                await RollbackAsync();
                return Commit.Declined;
            }

            await WriteRowsAsync(_transaction!.GetDbTransaction(), cancellationToken);
            if (db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(cancellationToken);
            }

            await _transaction!.CommitAsync(cancellationToken);
            _syncPending = _lowered;
            return Commit.Done;
        }
        catch (DbUpdateConcurrencyException ex)
        {
            await RollbackAsync();
            throw new ConcurrencyConflictException("该事项已被他人同时处理，请刷新后重试 (changed by someone else)", ex);
        }
        catch
        {
            await RollbackAsync();
            throw;
        }
        finally
        {
            await EndWriteAsync();
        }
    }

    /// <summary>
    /// True when everything to save is a row the row writer writes (the engine's rows, a complaint): then the unit can be
    /// committed on the gate's writer connection (<see cref="SqliteWriteGate.WriterAsync"/>) instead of its own.
    /// </summary>
    private bool OnlyFlatRows() =>
        db.ChangeTracker.Entries().All(e => e.State is EntityState.Unchanged or EntityState.Detached || SqliteRowWriter.Writes(e.Metadata));

    /// <summary>
    /// Commits a unit of flat rows on the gate's writer connection, whose page cache no other connection's writes spoil
    /// (see <see cref="SqliteWriteGate.WriterAsync"/>); null (nothing done) when the gate has no writer for this database.
    /// </summary>
    private async Task<Commit?> CommitOnWriterAsync(Func<CancellationToken, Task<bool>>? checkInTurn, CancellationToken cancellationToken)
    {
        using var turn = await writeGate.EnterAsync(cancellationToken);
        if (await writeGate.WriterAsync(db.Database.GetDbConnection().ConnectionString, cancellationToken) is not { } writer)
        {
            return null;
        }

        // The check reads on the unit's own connection, outside any transaction: holding the turn, it sees every commit
        // made before it, and none can come between it and this commit.
        if (checkInTurn is not null && !await checkInTurn(cancellationToken))
        {
            Forget();
            return Commit.Declined;
        }

        DbTransaction? transaction = null;
        try
        {
            transaction = await writer.BeginTransactionAsync(cancellationToken);
            await WriteRowsAsync(transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            try
            {
                if (transaction is not null)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                }
            }
            catch (Exception)
            {
                // A connection that cannot roll back may be left inside a transaction: the next turn opens a new one.
                writeGate.DropWriter();
            }

            Forget();
            throw;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }

        _syncPending = writeGate.GroupCommit;
        return Commit.Done;
    }

    /// <summary>
    /// Links the new journal lines into the chain and writes the unit's flat rows, in <paramref name="transaction"/> (on
    /// the unit's connection or the gate's). The chain must be linked under the write lock: the transaction is BEGIN IMMEDIATE.
    /// </summary>
    private async Task WriteRowsAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        var journal = _rows.AddedJournal();
        if (journal.Count > 0)
        {
            await JournalChain.LinkAsync(transaction.Connection!, transaction, journal, cancellationToken);
        }

        await _rows.WriteAsync(transaction, cancellationToken);
        await SqliteRowWriter.WriteTrackedAsync(db, transaction, cancellationToken);
    }

    /// <summary>Takes the process's write turn, then SQLite's write lock (BEGIN IMMEDIATE), once per unit.</summary>
    private async Task BeginWriteAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        if (_transaction is null)
        {
            _writeTurn ??= await writeGate.EnterAsync(cancellationToken);
            if (writeGate.GroupCommit && !_lowered && db.Database.IsSqlite())
            {
                // The commit only writes the log; SyncAsync flushes it once the turn is handed on (see SqliteWriteGate).
                await SqliteStatements.ExecuteAsync(db.Database.GetDbConnection(), "PRAGMA synchronous=NORMAL", cancellationToken);
                _lowered = true;
            }

            _transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        }
    }

    private async Task EndWriteAsync()
    {
        try
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
                _transaction = null;
            }

            if (_lowered)
            {
                _lowered = false;
                // The pool lends this connection out again: it goes back with the configured durability.
                await SqliteStatements.ExecuteAsync(db.Database.GetDbConnection(), "PRAGMA synchronous=" + writeGate.Synchronous, CancellationToken.None);
            }
        }
        finally
        {
            _writeTurn?.Dispose();
            _writeTurn = null;
        }
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        if (_syncPending)
        {
            _syncPending = false;
            await writeGate.SyncAsync(db.Database.GetDbConnection().DataSource, cancellationToken);
        }
    }

    /// <summary>The timer bookmarks added or removed in this unit go to the outbox in the same commit.</summary>
    private bool WriteTimerOutbox()
    {
        var changes = _rows.TimerChanges();
        if (changes.Count == 0)
        {
            return false;
        }

        _rows.Add(new TimerCommand { ChangesJson = JsonSerializer.Serialize(changes), CreatedAt = time.GetUtcNow() });
        return true;
    }

    private async Task RollbackAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.RollbackAsync();
        }

        Forget();
    }

    /// <summary>
    /// After a rollback or a declined save. The row writer marks each row saved as it writes it; rolled back, those marks
    /// are false, and a context that lives on (an admin page's) would show unsaved values and check the next change
    /// against a revision never stored. Forgetting everything makes the next read come from the database.
    /// </summary>
    private void Forget()
    {
        db.ChangeTracker.Clear();
        _rows.Clear();
    }

    /// <summary>A unit abandoned before it saved (a duplicate found, an exception) rolls back and hands on the turn.</summary>
    public async ValueTask DisposeAsync()
    {
        await EndWriteAsync();
        if (_opened)
        {
            // Balances the open for EF: the pool hands the context back asynchronously, which does not reset EF's count.
            _opened = false;
            await db.Database.CloseConnectionAsync();
        }
    }
}
