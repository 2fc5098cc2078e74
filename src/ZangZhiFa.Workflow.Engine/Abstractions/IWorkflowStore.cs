using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Engine.Abstractions;

/// <summary>
/// The unit of work the engine runs in. Everything a step does — instance state, bookmarks, tasks,
/// journal, notices, queued mail, and the caller's own domain rows — is saved by one
/// <see cref="SaveChangesAsync"/>, so a crash never leaves a step half-done.
/// </summary>
public interface IWorkflowStore
{
    Task<WorkflowInstance?> FindInstanceAsync(Guid id, CancellationToken cancellationToken);

    Task<Bookmark?> FindBookmarkAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Bookmark>> ListBookmarksAsync(Guid instanceId, CancellationToken cancellationToken);

    Task<WorkflowTask?> FindTaskAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<WorkflowTask>> ListOpenTasksAsync(Guid instanceId, CancellationToken cancellationToken);

    /// <summary>Next value of a named counter (document numbers, tracking numbers), inside this unit of work.</summary>
    Task<long> NextSequenceValueAsync(string name, CancellationToken cancellationToken);

    void AddInstance(WorkflowInstance instance);

    void AddBookmark(Bookmark bookmark);

    void RemoveBookmark(Bookmark bookmark);

    void AddTask(WorkflowTask task);

    /// <summary>Marks a loaded task or instance as changed (stores that track changes may ignore this).</summary>
    void Update(object entity);

    void AddJournal(JournalEntry entry);

    void AddNotice(IssuedNotice notice);

    void QueueMail(OutgoingMail mail);

    /// <summary>
    /// Commits the unit of work. Throws <see cref="ConcurrencyConflictException"/> when another writer
    /// changed the same instance or task first; nothing of this unit is then saved.
    /// </summary>
    Task SaveChangesAsync(CancellationToken cancellationToken);
}

/// <summary>Another writer got there first (the 409 case): reload and decide again.</summary>
public sealed class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);
