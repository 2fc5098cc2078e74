using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>
/// A store held in memory, for the designer's "try it" sandbox and engine tests: nothing reaches real cases.
/// Single-writer: changes apply at once and <see cref="SaveChangesAsync"/> only counts commits.
/// </summary>
public sealed class InMemoryWorkflowStore : IWorkflowStore
{
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);

    public List<WorkflowInstance> Instances { get; } = [];

    public List<Bookmark> Bookmarks { get; } = [];

    public List<WorkflowTask> Tasks { get; } = [];

    public List<JournalEntry> Journal { get; } = [];

    public List<IssuedNotice> Notices { get; } = [];

    public List<OutgoingMail> Mails { get; } = [];

    public int Commits { get; private set; }

    public Task<WorkflowInstance?> FindInstanceAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(Instances.Find(i => i.Id == id));

    public Task<Bookmark?> FindBookmarkAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(Bookmarks.Find(b => b.Id == id));

    public Task<IReadOnlyList<Bookmark>> ListBookmarksAsync(Guid instanceId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Bookmark>>(Bookmarks.FindAll(b => b.InstanceId == instanceId));

    public Task<WorkflowTask?> FindTaskAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(Tasks.Find(t => t.Id == id));

    public Task<IReadOnlyList<WorkflowTask>> ListOpenTasksAsync(Guid instanceId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WorkflowTask>>(Tasks.FindAll(t => t.InstanceId == instanceId && t.Status == WorkflowTaskStatus.Open));

    public Task<long> NextSequenceValueAsync(string name, CancellationToken cancellationToken)
    {
        var next = _sequences.GetValueOrDefault(name) + 1;
        _sequences[name] = next;
        return Task.FromResult(next);
    }

    public void AddInstance(WorkflowInstance instance) => Instances.Add(instance);

    public void AddBookmark(Bookmark bookmark) => Bookmarks.Add(bookmark);

    public void RemoveBookmark(Bookmark bookmark) => Bookmarks.Remove(bookmark);

    public void AddTask(WorkflowTask task) => Tasks.Add(task);

    public void Update(object entity)
    {
    }

    public void AddJournal(JournalEntry entry)
    {
        entry.Id = Journal.Count + 1;
        Journal.Add(entry);
    }

    public void AddNotice(IssuedNotice notice) => Notices.Add(notice);

    public void QueueMail(OutgoingMail mail) => Mails.Add(mail);

    public Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        Commits++;
        return Task.CompletedTask;
    }
}
