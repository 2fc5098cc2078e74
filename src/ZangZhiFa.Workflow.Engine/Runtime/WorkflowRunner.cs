using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>Options for starting an instance.</summary>
public sealed record StartOptions(string? CorrelationId = null, string Actor = "system");

/// <summary>
/// Runs flowcharts inside one unit of work (<see cref="EngineServices.Store"/>): each call executes
/// activities until every path waits on a bookmark, then leaves all changes pending in the store. The
/// caller adds its own domain rows and commits once — a step is never half-saved.
/// </summary>
public sealed class WorkflowRunner(EngineServices services, ILogger<WorkflowRunner> logger)
{
    /// <summary>A path that runs this many activities without waiting is a cycle without a wait.</summary>
    private const int MaxStepsPerRun = 10_000;

    private readonly Dictionary<Guid, RunSession> _sessions = [];

    public EngineServices Services { get; } = services;

    /// <summary>Starts the latest published version of <paramref name="definitionId"/>.</summary>
    public async Task<WorkflowInstance> StartAsync(string definitionId, JsonObject? inputs, StartOptions? options, CancellationToken cancellationToken)
    {
        var definition = Services.Definitions.FindLatest(definitionId)
            ?? throw new WorkflowNotFoundException($"未找到流程定义 “{definitionId}”");
        options ??= new StartOptions();
        var session = CreateInstance(definition, inputs, options.CorrelationId, null);
        session.Actor = options.Actor;
        await RunAsync(session, cancellationToken);
        return session.Instance;
    }

    /// <summary>Resumes a bookmark; returns false when it no longer exists (already resumed or cancelled).</summary>
    public async Task<bool> ResumeAsync(Guid bookmarkId, ResumeInput input, CancellationToken cancellationToken)
    {
        var stored = await Services.Store.FindBookmarkAsync(bookmarkId, cancellationToken);
        return stored is not null && await ResumeAsync(stored.InstanceId, bookmarkId, input, cancellationToken);
    }

    /// <summary>Resumes a bookmark of a known instance (a task names both, so the bookmark need not be looked up first).</summary>
    private async Task<bool> ResumeAsync(Guid instanceId, Guid bookmarkId, ResumeInput input, CancellationToken cancellationToken)
    {
        var session = await LoadSessionAsync(instanceId, cancellationToken);
        var bookmark = session?.Bookmarks.Find(b => b.Id == bookmarkId);
        if (session is null || bookmark is null || IsFinished(session.Instance))
        {
            return false;
        }

        session.Actor = input.Actor;
        session.Bookmarks.Remove(bookmark);
        Services.Store.RemoveBookmark(bookmark);
        session.Queue.AddLast(new WorkItem(bookmark.ActivityId, ExecutionState.ParseScope(bookmark.ScopeJson), bookmark, input));
        await RunAsync(session, cancellationToken);
        return true;
    }

    /// <summary>
    /// Fires a timer bookmark if it is due by the injected clock. Returns false when it is gone or not yet due
    /// (the scheduler's clock ran ahead), so a duplicate or early firing changes nothing.
    /// </summary>
    public async Task<bool> FireTimerAsync(Guid bookmarkId, CancellationToken cancellationToken)
    {
        var bookmark = await Services.Store.FindBookmarkAsync(bookmarkId, cancellationToken);
        if (bookmark is not { Kind: BookmarkKind.Timer } || bookmark.DueAt > Services.Time.GetUtcNow())
        {
            return false;
        }

        return await ResumeAsync(bookmarkId, ResumeInput.System, cancellationToken);
    }

    /// <summary>
    /// Completes an open human task with an outcome and form fields. Throws <see cref="TaskNotOpenException"/>
    /// when someone else completed it first and <see cref="TaskInputException"/> when the input is invalid.
    /// </summary>
    public async Task<WorkflowTask> CompleteTaskAsync(Guid taskId, ResumeInput input, CancellationToken cancellationToken)
    {
        var task = await Services.Store.FindTaskAsync(taskId, cancellationToken)
            ?? throw new WorkflowNotFoundException($"未找到任务 {taskId}");
        if (task.Status != WorkflowTaskStatus.Open)
        {
            throw new TaskNotOpenException(task.Id, task.Status == WorkflowTaskStatus.Completed
                // Local (Beijing) time, as every page shows it.
                ? $"该任务已由 {task.CompletedBy} 于 {task.CompletedAt?.ToOffset(Services.Calendar.UtcOffset):yyyy-MM-dd HH:mm} 办理（{task.Outcome}）"
                : "该任务已撤销");
        }

        Activities.HumanTask.ValidateCompletion(task, input);
        if (!await ResumeAsync(task.InstanceId, task.BookmarkId, input, cancellationToken))
        {
            throw new TaskNotOpenException(task.Id, "该任务已不在等待办理");
        }

        return task;
    }

    /// <summary>Delivers a named signal to every bookmark of the instance waiting for it; returns how many resumed.</summary>
    public async Task<int> SignalAsync(Guid instanceId, string signal, JsonObject? payload, string actor, CancellationToken cancellationToken)
    {
        var session = await LoadSessionAsync(instanceId, cancellationToken)
            ?? throw new WorkflowNotFoundException($"未找到流程实例 {instanceId}");
        var waiting = session.Bookmarks.Where(b => b.Kind == BookmarkKind.Signal && b.Name == signal).Select(b => b.Id).ToList();
        foreach (var id in waiting)
        {
            await ResumeAsync(id, new ResumeInput(actor, Fields: payload), cancellationToken);
        }

        return waiting.Count;
    }

    /// <summary>Cancels an instance: its tasks, timers and child instances go with it.</summary>
    public async Task CancelAsync(Guid instanceId, string actor, string reason, CancellationToken cancellationToken)
    {
        var session = await LoadSessionAsync(instanceId, cancellationToken)
            ?? throw new WorkflowNotFoundException($"未找到流程实例 {instanceId}");
        if (IsFinished(session.Instance))
        {
            return;
        }

        session.Actor = actor;
        await EndInstanceAsync(session, WorkflowStatus.Cancelled, reason, cancellationToken);
        Save(session);
    }

    internal async Task<WorkflowInstance> StartChildAsync(RunSession parent, string definitionId, JsonObject inputs, string? correlationId, CancellationToken cancellationToken)
    {
        var definition = Services.Definitions.FindLatest(definitionId)
            ?? throw new WorkflowNotFoundException($"未找到子流程定义 “{definitionId}”");
        var child = CreateInstance(definition, inputs, string.IsNullOrEmpty(correlationId) ? parent.Instance.CorrelationId : correlationId, parent.Instance.Id);
        child.Actor = parent.Actor;
        await RunAsync(child, cancellationToken);
        return child.Instance;
    }

    private RunSession CreateInstance(WorkflowDefinition definition, JsonObject? inputs, string? correlationId, Guid? parentId)
    {
        var now = Services.Time.GetUtcNow();
        var variables = new JsonObject();
        foreach (var variable in definition.Variables)
        {
            variables[variable.Name] = variable.Default?.DeepClone();
        }

        foreach (var (key, value) in inputs ?? [])
        {
            if (definition.Variables.All(v => v.Name != key))
            {
                throw new ArgumentException($"流程 “{definition.Id}” 未声明变量 “{key}”", nameof(inputs));
            }

            variables[key] = value?.DeepClone();
        }

        var instance = new WorkflowInstance
        {
            Id = Guid.CreateVersion7(now),
            DefinitionId = definition.Id,
            DefinitionVersion = definition.Version,
            Status = WorkflowStatus.Running,
            CorrelationId = correlationId,
            ParentInstanceId = parentId,
            VariablesJson = variables.ToJsonString(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        Services.Store.AddInstance(instance);
        var session = new RunSession(instance, definition, []) { OpenTasks = [] };
        _sessions[instance.Id] = session;
        var start = definition.Activities.Find(a => a.Type == "Start")
            ?? throw new InvalidOperationException($"流程 “{definition.Id}” 没有开始节点");
        Journal(session, null, "started", null, $"{definition.Name} v{definition.Version}", now);
        session.Queue.AddLast(new WorkItem(start.Id, []));
        return session;
    }

    private async Task<RunSession?> LoadSessionAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(instanceId, out var cached))
        {
            return cached;
        }

        var instance = await Services.Store.FindInstanceAsync(instanceId, cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var definition = Services.Definitions.Find(instance.DefinitionId, instance.DefinitionVersion)
            ?? throw new WorkflowNotFoundException($"实例 {instance.Id} 的流程定义 {instance.DefinitionId} v{instance.DefinitionVersion} 已不存在");
        var bookmarks = await Services.Store.ListBookmarksAsync(instanceId, cancellationToken);
        var session = new RunSession(instance, definition, [.. bookmarks]);
        _sessions[instanceId] = session;
        return session;
    }

    private async Task RunAsync(RunSession session, CancellationToken cancellationToken)
    {
        if (session.Running)
        {
            // Re-entrant resumption of an instance that is mid-run in this unit of work: its loop picks the item up.
            return;
        }

        session.Running = true;
        session.Instance.Status = WorkflowStatus.Running;
        var steps = 0;
        try
        {
            while (session.Queue.First is { } node && session.Instance.Status == WorkflowStatus.Running)
            {
                session.Queue.RemoveFirst();
                if (++steps > MaxStepsPerRun)
                {
                    Fault(session, node.Value.ActivityId, $"执行超过 {MaxStepsPerRun} 步仍未等待：流程中存在没有等待节点的循环");
                    break;
                }

                await StepAsync(session, node.Value, cancellationToken);
            }
        }
        finally
        {
            session.Running = false;
        }

        if (session.Instance.Status == WorkflowStatus.Running)
        {
            if (session.Bookmarks.Count == 0)
            {
                await EndInstanceAsync(session, WorkflowStatus.Completed, null, cancellationToken);
            }
            else
            {
                session.Instance.Status = WorkflowStatus.Suspended;
            }
        }

        Save(session);
    }

    private async Task StepAsync(RunSession session, WorkItem item, CancellationToken cancellationToken)
    {
        var definition = session.Definition.FindActivity(item.ActivityId);
        if (definition is null)
        {
            Fault(session, item.ActivityId, $"节点 “{item.ActivityId}” 不存在于 {session.Definition.Id} v{session.Definition.Version}");
            return;
        }

        var activity = Services.Activities.Get(definition.Type);
        var context = new ActivityContext(this, session, definition, item.Scope, cancellationToken);
        ActivityResult result;
        try
        {
            result = item.Resume is null
                ? await activity.ExecuteAsync(context)
                : await activity.ResumeAsync(context, item.Resume, item.Input ?? ResumeInput.System);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not TaskInputException and not Abstractions.ConcurrencyConflictException)
        {
            logger.LogError(ex, "Activity {ActivityId} of instance {InstanceId} faulted", definition.Id, session.Instance.Id);
            Fault(session, definition.Id, ex.Message);
            return;
        }

        var eventName = result.Kind switch
        {
            ActivityResultKind.Waiting => "waiting",
            _ when item.Resume is not null => "resumed",
            _ => "executed",
        };
        Journal(session, definition, eventName, result.Outcomes.Count == 0 ? null : string.Join(",", result.Outcomes), context.Summary, context.Now);

        switch (result.Kind)
        {
            case ActivityResultKind.Completed:
                foreach (var outcome in result.Outcomes)
                {
                    var scope = result.BranchScopes is { } branches
                        ? [.. item.Scope, branches[outcome]]
                        : result.Scope ?? item.Scope;
                    var next = session.Definition.Connections.Find(c => c.From == definition.Id && c.Outcome == outcome);
                    if (next is not null)
                    {
                        session.Queue.AddLast(new WorkItem(next.To, scope));
                    }
                }

                break;
            case ActivityResultKind.Terminated:
                await EndInstanceAsync(session, WorkflowStatus.Completed, null, cancellationToken);
                break;
        }
    }

    private async Task EndInstanceAsync(RunSession session, WorkflowStatus status, string? reason, CancellationToken cancellationToken)
    {
        var now = Services.Time.GetUtcNow();
        session.Queue.Clear();
        foreach (var bookmark in session.Bookmarks.ToList())
        {
            await DropBookmarkAsync(session, bookmark, reason ?? "流程结束", cancellationToken);
        }

        foreach (var task in (await OpenTasksAsync(session, cancellationToken)).ToList())
        {
            CloseTask(session, task, WorkflowTaskStatus.Cancelled, now);
        }

        session.State.Forks.Clear();
        session.Instance.Status = status;
        session.Instance.FinishedAt = now;
        Journal(session, null, status == WorkflowStatus.Completed ? "completed" : "cancelled", null, reason, now);

        if (status == WorkflowStatus.Completed && session.Instance.ParentBookmarkId is { } parentBookmark)
        {
            // The parent resumes in this same unit of work, so a child ending by its last task or by a timer
            // can never leave the parent waiting forever.
            Save(session);
            await ResumeAsync(parentBookmark, new ResumeInput(session.Actor, Fields: session.Variables), cancellationToken);
        }
    }

    /// <summary>Cancels every wait, task and queued step inside a fork execution (a wait-any join's losers).</summary>
    internal async Task CancelScopeAsync(RunSession session, string execution, CancellationToken cancellationToken)
    {
        static bool Inside(IReadOnlyList<ScopeFrame> scope, string execution) => scope.Any(f => f.Execution == execution);

        for (var node = session.Queue.First; node is not null;)
        {
            var next = node.Next;
            if (Inside(node.Value.Scope, execution))
            {
                session.Queue.Remove(node);
            }

            node = next;
        }

        foreach (var bookmark in session.Bookmarks.Where(b => Inside(ExecutionState.ParseScope(b.ScopeJson), execution)).ToList())
        {
            await DropBookmarkAsync(session, bookmark, "并行分支已由其他分支完成", cancellationToken);
        }

        foreach (var (key, fork) in session.State.Forks.ToList())
        {
            if (fork.Parents.Contains(execution))
            {
                session.State.Forks.Remove(key);
            }
        }
    }

    private async Task DropBookmarkAsync(RunSession session, Bookmark bookmark, string reason, CancellationToken cancellationToken)
    {
        if (!session.Bookmarks.Remove(bookmark))
        {
            return;
        }

        Services.Store.RemoveBookmark(bookmark);
        var now = Services.Time.GetUtcNow();
        if (bookmark.Kind == BookmarkKind.Task && bookmark.TaskId is { } taskId)
        {
            var task = (await OpenTasksAsync(session, cancellationToken)).Find(t => t.Id == taskId);
            if (task is not null)
            {
                CloseTask(session, task, WorkflowTaskStatus.Cancelled, now);
            }
        }

        if (bookmark.Kind == BookmarkKind.Subflow && bookmark.ChildInstanceId is { } childId)
        {
            var child = await LoadSessionAsync(childId, cancellationToken);
            if (child is not null && !IsFinished(child.Instance))
            {
                child.Actor = session.Actor;
                await EndInstanceAsync(child, WorkflowStatus.Cancelled, reason, cancellationToken);
                Save(child);
            }
        }
    }

    internal async Task<List<WorkflowTask>> OpenTasksAsync(RunSession session, CancellationToken cancellationToken)
    {
        // The store answers from the database, where a task closed earlier in this unit of work is still open.
        session.OpenTasks ??= [.. (await Services.Store.ListOpenTasksAsync(session.Instance.Id, cancellationToken)).Where(t => t.Status == WorkflowTaskStatus.Open)];
        return session.OpenTasks;
    }

    internal void AddTask(RunSession session, WorkflowTask task)
    {
        Services.Store.AddTask(task);
        (session.OpenTasks ??= []).Add(task);
    }

    internal void CloseTask(RunSession session, WorkflowTask task, WorkflowTaskStatus status, DateTimeOffset now)
    {
        task.Status = status;
        task.CompletedAt ??= now;
        task.Revision++;
        Services.Store.Update(task);
        session.OpenTasks?.Remove(task);
        foreach (var bookmark in session.Bookmarks.Where(b => b.TaskId == task.Id).ToList())
        {
            session.Bookmarks.Remove(bookmark);
            Services.Store.RemoveBookmark(bookmark);
        }

        if (status == WorkflowTaskStatus.Cancelled)
        {
            Journal(session, session.Definition.FindActivity(task.ActivityId), "task-cancelled", null, task.Title, now);
        }
    }

    internal void Journal(RunSession session, ActivityDefinition? activity, string @event, string? outcome, string? summary, DateTimeOffset at) =>
        Services.Store.AddJournal(new JournalEntry
        {
            InstanceId = session.Instance.Id,
            CorrelationId = session.Instance.CorrelationId,
            ActivityId = activity?.Id,
            ActivityType = activity?.Type,
            Event = @event,
            Outcome = outcome,
            Actor = session.Actor,
            At = at,
            Summary = summary is { Length: > 1000 } ? summary[..1000] : summary,
        });

    private void Fault(RunSession session, string activityId, string message)
    {
        session.Queue.Clear();
        session.Instance.Status = WorkflowStatus.Faulted;
        session.Instance.Fault = $"{activityId}: {message}";
        Journal(session, session.Definition.FindActivity(activityId), "faulted", null, message, Services.Time.GetUtcNow());
    }

    private void Save(RunSession session)
    {
        var instance = session.Instance;
        instance.VariablesJson = session.Variables.ToJsonString();
        instance.StateJson = session.State.ToJson();
        instance.UpdatedAt = Services.Time.GetUtcNow();
        instance.Revision++;
        Services.Store.Update(instance);
    }

    private static bool IsFinished(WorkflowInstance instance) =>
        instance.Status is WorkflowStatus.Completed or WorkflowStatus.Cancelled or WorkflowStatus.Faulted;
}
