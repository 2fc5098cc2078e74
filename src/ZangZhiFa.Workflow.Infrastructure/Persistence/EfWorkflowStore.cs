using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Audit;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// The engine's unit of work over <see cref="WorkflowDbContext"/>. One instance per request or job; after a
/// failed <see cref="SaveChangesAsync"/> the scope must be thrown away and the work redone from fresh reads.
/// </summary>
public sealed class EfWorkflowStore(WorkflowDbContext db, TimeProvider time, TimerOutboxSignal timerSignal, MailOutboxSignal mailSignal)
    : IWorkflowStore, IAsyncDisposable
{
    private IDbContextTransaction? _transaction;
    private bool _mailQueued;
    private bool _opened;

    public WorkflowDbContext Db => db;

    public async Task<WorkflowInstance?> FindInstanceAsync(Guid id, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        return await db.Instances.FindAsync([id], cancellationToken);
    }

    public async Task<Bookmark?> FindBookmarkAsync(Guid id, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        return await db.Bookmarks.FindAsync([id], cancellationToken);
    }

    public async Task<IReadOnlyList<Bookmark>> ListBookmarksAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        return await db.Bookmarks.Where(b => b.InstanceId == instanceId).ToListAsync(cancellationToken);
    }

    public async Task<WorkflowTask?> FindTaskAsync(Guid id, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        return await db.Tasks.FindAsync([id], cancellationToken);
    }

    public async Task<IReadOnlyList<WorkflowTask>> ListOpenTasksAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        return await db.Tasks.Where(t => t.InstanceId == instanceId && t.Status == WorkflowTaskStatus.Open).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Keeps one connection open for the whole unit of work. Left to itself EF opens and closes the connection
    /// around every query and the save, and on SQLite each reopen costs more than the statements it runs.
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
    /// only if the step that took it commits; concurrent writers queue on the database's write lock.
    /// </summary>
    public async Task<long> NextSequenceValueAsync(string name, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        _transaction ??= await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = _transaction.GetDbTransaction();
        command.CommandText = "INSERT INTO sequences (Name, Value) VALUES (@name, 1) ON CONFLICT (Name) DO UPDATE SET Value = Value + 1 RETURNING Value";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@name";
        parameter.Value = name;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void AddInstance(WorkflowInstance instance) => db.Instances.Add(instance);

    public void AddBookmark(Bookmark bookmark) => db.Bookmarks.Add(bookmark);

    public void RemoveBookmark(Bookmark bookmark) => db.Bookmarks.Remove(bookmark);

    public void AddTask(WorkflowTask task) => db.Tasks.Add(task);

    public void Update(object entity)
    {
        // Loaded entities are tracked; new ones are already Added. Nothing to do but keep the contract explicit.
    }

    public void AddJournal(JournalEntry entry) => db.Journal.Add(entry);

    public void AddNotice(IssuedNotice notice) => db.Notices.Add(notice);

    public void QueueMail(OutgoingMail mail)
    {
        db.Mails.Add(mail);
        _mailQueued = true;
    }

    public async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        var timersChanged = WriteTimerOutbox();
        await OpenAsync(cancellationToken);
        try
        {
            var journal = db.ChangeTracker.Entries<JournalEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
            if (journal.Count > 0)
            {
                // The chain must be linked under the write lock: the transaction is BEGIN IMMEDIATE on SQLite.
                _transaction ??= await db.Database.BeginTransactionAsync(cancellationToken);
                await JournalChain.LinkAsync(db, journal, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            if (_transaction is not null)
            {
                await _transaction.CommitAsync(cancellationToken);
            }
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
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
                _transaction = null;
            }
        }

        if (timersChanged)
        {
            timerSignal.Notify();
        }

        if (_mailQueued)
        {
            _mailQueued = false;
            mailSignal.Notify();
        }
    }

    /// <summary>The timer bookmarks added or removed in this unit go to the outbox in the same commit.</summary>
    private bool WriteTimerOutbox()
    {
        var changes = db.ChangeTracker.Entries<Bookmark>()
            .Where(e => e.Entity.Kind == BookmarkKind.Timer && e.State is EntityState.Added or EntityState.Deleted)
            .Select(e => new TimerChange(e.Entity.Id, e.State == EntityState.Added ? e.Entity.DueAt : null))
            .ToList();
        if (changes.Count == 0)
        {
            return false;
        }

        db.TimerCommands.Add(new TimerCommand { ChangesJson = JsonSerializer.Serialize(changes), CreatedAt = time.GetUtcNow() });
        return true;
    }

    private async Task RollbackAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.RollbackAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }
    }
}
