using System.Globalization;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>What an activity sees while it runs: its definition, the instance, and the engine's services.</summary>
public sealed class ActivityContext
{
    private readonly WorkflowRunner _runner;
    private readonly RunSession _session;

    internal ActivityContext(WorkflowRunner runner, RunSession session, ActivityDefinition activity, IReadOnlyList<ScopeFrame> scope, CancellationToken cancellationToken)
    {
        _runner = runner;
        _session = session;
        Activity = activity;
        Scope = scope;
        CancellationToken = cancellationToken;
        Now = runner.Services.Time.GetUtcNow();
    }

    public ActivityDefinition Activity { get; }

    public IReadOnlyList<ScopeFrame> Scope { get; }

    public CancellationToken CancellationToken { get; }

    public DateTimeOffset Now { get; }

    public EngineServices Services => _runner.Services;

    public WorkflowInstance Instance => _session.Instance;

    public WorkflowDefinition Definition => _session.Definition;

    public JsonObject Variables => _session.Variables;

    public string Actor => _session.Actor;

    internal ExecutionState State => _session.State;

    internal RunSession Session => _session;

    internal WorkflowRunner Runner => _runner;

    /// <summary>Short description of the inputs for the journal line of this step.</summary>
    public string? Summary { get; set; }

    /// <summary>
    /// The object scripts see: the variables, plus <c>instance</c> (id, correlationId, definitionId) and
    /// <c>now</c> (the injected time, local ISO 8601).
    /// </summary>
    public JsonObject ScriptScope()
    {
        var scope = (JsonObject)Variables.DeepClone();
        scope["instance"] = new JsonObject
        {
            ["id"] = Instance.Id.ToString(),
            ["correlationId"] = Instance.CorrelationId,
            ["definitionId"] = Instance.DefinitionId,
            ["definitionVersion"] = Instance.DefinitionVersion,
        };
        scope["now"] = Now.ToOffset(Services.Calendar.UtcOffset).ToString("O", CultureInfo.InvariantCulture);
        return scope;
    }

    public JsonNode? Evaluate(string expression) => Services.Scripts.Evaluate(expression, ScriptScope());

    public string Render(string text) => Services.Scripts.Render(text, ScriptScope());

    /// <summary>Creates a stored wait for this activity on the current path.</summary>
    public Bookmark CreateBookmark(BookmarkKind kind, string? name = null, DateTimeOffset? dueAt = null, Guid? taskId = null, Guid? childInstanceId = null) =>
        AddBookmark(Activity.Id, ExecutionState.ScopeToJson(Scope), kind, name, dueAt, taskId, childInstanceId);

    /// <summary>
    /// Gives an open task a new deadline (after escalation): its old deadline timer goes, a new one is set on
    /// the task's own activity and path, so the task's overdue outcome fires again if it is still not done.
    /// </summary>
    public void RearmDeadline(WorkflowTask task, DateTimeOffset due)
    {
        var taskBookmark = _session.Bookmarks.Find(b => b.Id == task.BookmarkId);
        foreach (var old in _session.Bookmarks.Where(b => b.TaskId == task.Id && b.Kind == BookmarkKind.Timer && b.Name == Activities.HumanTask.DeadlineTimer).ToList())
        {
            RemoveBookmark(old);
        }

        task.DueAt = due;
        AddBookmark(task.ActivityId, taskBookmark?.ScopeJson ?? "[]", BookmarkKind.Timer, Activities.HumanTask.DeadlineTimer, due, task.Id, null);
    }

    private Bookmark AddBookmark(string activityId, string scopeJson, BookmarkKind kind, string? name, DateTimeOffset? dueAt, Guid? taskId, Guid? childInstanceId)
    {
        var bookmark = new Bookmark
        {
            Id = Guid.CreateVersion7(Now),
            InstanceId = Instance.Id,
            ActivityId = activityId,
            Kind = kind,
            Name = name,
            DueAt = dueAt,
            TaskId = taskId,
            ChildInstanceId = childInstanceId,
            ScopeJson = scopeJson,
            CreatedAt = Now,
        };
        _session.Bookmarks.Add(bookmark);
        Services.Store.AddBookmark(bookmark);
        return bookmark;
    }

    /// <summary>Bookmarks of this instance still waiting (the one being resumed is already gone).</summary>
    public IReadOnlyList<Bookmark> Bookmarks => _session.Bookmarks;

    public void RemoveBookmark(Bookmark bookmark)
    {
        if (_session.Bookmarks.Remove(bookmark))
        {
            Services.Store.RemoveBookmark(bookmark);
        }
    }

    public Task<List<WorkflowTask>> OpenTasksAsync() => _runner.OpenTasksAsync(_session, CancellationToken);

    /// <summary>One open task of this instance by id, without listing them all (the usual case on resumption).</summary>
    public async Task<WorkflowTask?> FindOpenTaskAsync(Guid taskId)
    {
        var task = _session.OpenTasks is { } open
            ? open.Find(t => t.Id == taskId)
            : await Services.Store.FindTaskAsync(taskId, CancellationToken);
        return task is { Status: WorkflowTaskStatus.Open } && task.InstanceId == Instance.Id ? task : null;
    }

    public void AddTask(WorkflowTask task) => _runner.AddTask(_session, task);

    /// <summary>Closes a task (completed or cancelled) and removes its remaining timers.</summary>
    public void CloseTask(WorkflowTask task, WorkflowTaskStatus status) => _runner.CloseTask(_session, task, status, Now);

    public void Journal(string @event, string? outcome = null, string? summary = null) =>
        _runner.Journal(_session, Activity, @event, outcome, summary, Now);

    /// <summary>Renders a notice template, numbers it, stores it with the case and returns it.</summary>
    public async Task<IssuedNotice> IssueNoticeAsync(string templateId, string title, string? audience, string? documentPrefix, JsonObject? extraModel)
    {
        string? number = null;
        var localNow = Now.ToOffset(Services.Calendar.UtcOffset);
        if (!string.IsNullOrWhiteSpace(documentPrefix))
        {
            var seq = await Services.Store.NextSequenceValueAsync($"doc:{documentPrefix}:{localNow.Year}", CancellationToken);
            number = $"{documentPrefix}〔{localNow.Year}〕{seq}号";
        }

        var model = ScriptScope();
        if (extraModel is not null)
        {
            foreach (var (key, value) in extraModel)
            {
                model[key] = value?.DeepClone();
            }
        }

        model["notice"] = new JsonObject
        {
            ["title"] = title,
            ["documentNumber"] = number,
            ["issuedAt"] = localNow.ToString("O", CultureInfo.InvariantCulture),
            ["issuedDate"] = $"{localNow.Year}年{localNow.Month}月{localNow.Day}日",
        };

        var notice = new IssuedNotice
        {
            Id = Guid.CreateVersion7(Now),
            InstanceId = Instance.Id,
            CorrelationId = Instance.CorrelationId,
            TemplateId = templateId,
            Title = title,
            DocumentNumber = number,
            Audience = audience,
            Html = Services.Notices.Render(templateId, model),
            IssuedAt = Now,
        };
        Services.Store.AddNotice(notice);
        Journal("notice-issued", null, $"{title} {number}".Trim());
        return notice;
    }

    /// <summary>Queues an e-mail in this unit of work (sent by the outbox worker after commit).</summary>
    public void QueueMail(string to, string subject, string html, Guid? noticeId)
    {
        Services.Store.QueueMail(new OutgoingMail
        {
            Id = Guid.CreateVersion7(Now),
            InstanceId = Instance.Id,
            NoticeId = noticeId,
            To = to,
            Subject = subject,
            HtmlBody = html,
            Status = MailStatus.Pending,
            CreatedAt = Now,
            NextAttemptAt = Now,
        });
    }

    /// <summary>Starts a child instance in this unit of work and runs it until it waits or ends.</summary>
    public Task<WorkflowInstance> StartChildAsync(string definitionId, JsonObject inputs, string? correlationId = null) =>
        _runner.StartChildAsync(_session, definitionId, inputs, correlationId, CancellationToken);
}
