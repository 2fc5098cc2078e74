using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Expressions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// The designer's 试运行 (Try it): runs a draft or a published version on the engine's
/// <see cref="InMemoryWorkflowStore"/> with a clock of its own, so an admin can choose outcomes, advance time and read
/// the path, the tasks and the notices without anything reaching real cases. The org tree, the calendar and the
/// templates are the real ones (read only); domain services run in a throw-away DI scope whose database context is
/// never saved. Sessions live in memory, per host, and lapse after <see cref="IdleLimit"/> unused.
/// </summary>
public sealed class WorkflowSandbox(
    IServiceScopeFactory scopes,
    DefinitionCatalog catalog,
    ActivityRegistry activities,
    ScriptEngine scripts,
    IWorkingCalendar calendar,
    INoticeRenderer notices,
    ContentPaths paths,
    TimeProvider time,
    ILogger<WorkflowRunner> runnerLog)
{
    /// <summary>A session unused this long is dropped (the sandbox holds no data worth keeping).</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromHours(2);

    private const int MaxSessions = 50;
    private const int MaxFiringsPerAdvance = 200;

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<Guid, Session> _sessions = new();

    /// <summary>
    /// The start inputs the editor is pre-filled with: the variables' defaults (and an empty value for inputs — variables
    /// described as 输入 — without one), then <c>workflows/samples/{id}.json</c> over them.
    /// </summary>
    public JsonObject SampleInputs(WorkflowDefinition definition)
    {
        var inputs = new JsonObject();
        foreach (var variable in definition.Variables)
        {
            if (variable.Default is not null)
            {
                inputs[variable.Name] = variable.Default.DeepClone();
            }
            else if (variable.Description?.StartsWith("输入", StringComparison.Ordinal) == true)
            {
                // An input without a default is left for the admin to fill; state variables without one (a task clock)
                // stay unset, as the flow expects them.
                inputs[variable.Name] = variable.Type switch
                {
                    "object" => new JsonObject(),
                    "array" => new JsonArray(),
                    "string" => JsonValue.Create(""),
                    _ => null,
                };
            }
        }

        var file = Path.Combine(paths.Workflows, "samples", definition.Id + ".json");
        if (File.Exists(file) && JsonNode.Parse(File.ReadAllText(file)) is JsonObject sample)
        {
            foreach (var (name, value) in sample)
            {
                inputs[name] = value?.DeepClone();
            }
        }

        return inputs;
    }

    /// <summary>
    /// Starts a sandbox run of <paramref name="definition"/> (a draft, or a published version) with
    /// <paramref name="inputs"/>; the other flows it may start as subflows are the published ones.
    /// </summary>
    public async Task<SandboxState> StartAsync(WorkflowDefinition definition, string label, JsonObject inputs, string actor, CancellationToken cancellationToken)
    {
        Sweep();
        CheckInputs(definition, inputs);
        if (_sessions.Count >= MaxSessions)
        {
            throw new SandboxException("试运行会话过多，请稍后再试 (too many sandbox sessions)");
        }

        var sandboxCatalog = new DefinitionCatalog();
        foreach (var id in catalog.Ids.Where(id => id != definition.Id))
        {
            sandboxCatalog.Publish(catalog.FindLatest(id)!);
        }

        // A private copy: the sandbox must never share a definition object the real catalog runs on.
        sandboxCatalog.Publish(WorkflowDefinitionSerializer.Deserialize(WorkflowDefinitionSerializer.Serialize(definition), definition.Id + ".json"));
        var session = new Session(Guid.NewGuid(), definition.Id, label, sandboxCatalog, new SandboxClock(time.GetUtcNow()), actor);
        _sessions[session.Id] = session;
        await RunAsync(session, async runner =>
        {
            var instance = await runner.StartAsync(definition.Id, inputs, new StartOptions("SANDBOX-" + session.Id.ToString("N")[..8].ToUpperInvariant(), actor), cancellationToken);
            session.RootInstanceId = instance.Id;
        });
        return session.State(calendar);
    }

    public SandboxState? Find(Guid sessionId) => Get(sessionId)?.State(calendar);

    /// <summary>Completes an open task of the run with an outcome and form fields (checked as the task page checks them).</summary>
    public async Task<SandboxState> CompleteAsync(Guid sessionId, Guid taskId, string outcome, JsonObject? fields, string? comment, CancellationToken cancellationToken)
    {
        var session = Get(sessionId) ?? throw new WorkflowNotFoundException("试运行会话不存在或已过期");
        await RunAsync(session, runner => runner.CompleteTaskAsync(taskId, new ResumeInput(session.Actor, outcome, comment, fields), cancellationToken));
        return session.State(calendar);
    }

    /// <summary>Delivers a signal (e.g. <c>supplement</c>, <c>satisfaction</c>) to the run's instances waiting for it.</summary>
    public async Task<SandboxState> SignalAsync(Guid sessionId, string signal, JsonObject? payload, CancellationToken cancellationToken)
    {
        var session = Get(sessionId) ?? throw new WorkflowNotFoundException("试运行会话不存在或已过期");
        await RunAsync(session, async runner =>
        {
            var waiting = session.Store.Bookmarks.Where(b => b.Kind == BookmarkKind.Signal && b.Name == signal).Select(b => b.InstanceId).Distinct().ToList();
            if (waiting.Count == 0)
            {
                // Sent to nobody it would be lost without a word, and the admin would think the flow ignored it.
                throw new SandboxSignalNotWaitingException(signal, [.. session.Store.Bookmarks.Where(b => b.Kind == BookmarkKind.Signal).Select(b => b.Name ?? "").Distinct().Order(StringComparer.Ordinal)]);
            }

            foreach (var instanceId in waiting)
            {
                await runner.SignalAsync(instanceId, signal, payload, session.Actor, cancellationToken);
            }
        });
        return session.State(calendar);
    }

    /// <summary>
    /// Moves the run's clock — by working days (to the same time of day), by calendar days or hours, or to the next
    /// timer — and fires every timer then due, in due order, as the scheduler would (one unit of work each).
    /// </summary>
    public async Task<SandboxState> AdvanceAsync(Guid sessionId, SandboxAdvance advance, CancellationToken cancellationToken)
    {
        var session = Get(sessionId) ?? throw new WorkflowNotFoundException("试运行会话不存在或已过期");
        if (advance.Problems() is { Count: > 0 } problems)
        {
            throw new SandboxInputException("推进时间有误", problems);
        }

        await RunAsync(session, async runner =>
        {
            var now = session.Clock.GetUtcNow();
            var target = advance switch
            {
                { ToNextTimer: true } => session.Store.Bookmarks.Where(b => b.Kind == BookmarkKind.Timer && b.DueAt is not null).Select(b => b.DueAt!.Value).DefaultIfEmpty(now).Min(),
                { WorkingDays: { } days } => SameTimeOfDay(calendar.AddWorkingDays(now, days).AddDays(-1), now),
                _ => now.AddDays(advance.Days ?? 0).AddHours(advance.Hours ?? 0),
            };
            if (target < now)
            {
                throw new SandboxException("时间只能向后推进 (the clock only moves forward)");
            }

            session.Clock.Set(target);
            for (var fired = 0; fired < MaxFiringsPerAdvance; fired++)
            {
                var due = session.Store.Bookmarks.Where(b => b.Kind == BookmarkKind.Timer && b.DueAt <= target).OrderBy(b => b.DueAt).FirstOrDefault();
                if (due is null)
                {
                    return;
                }

                if (!await runner.FireTimerAsync(due.Id, cancellationToken))
                {
                    session.Store.RemoveBookmark(due);
                }
            }
        });
        return session.State(calendar);
    }

    public void Discard(Guid sessionId)
    {
        if (_sessions.TryRemove(sessionId, out var session))
        {
            session.Dispose();
        }
    }

    /// <summary>One operation at a time per run, in a fresh runner and a throw-away scope for the org tree and the domain services.</summary>
    private async Task RunAsync(Session session, Func<WorkflowRunner, Task> work)
    {
        await session.Gate.WaitAsync();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider.GetServices<IWorkflowService>().ToDictionary(s => s.Name, StringComparer.Ordinal);
            var engine = new EngineServices(session.Store, session.Catalog, activities, scripts, session.Clock, calendar, notices,
                scope.ServiceProvider.GetRequiredService<IOrgDirectory>(), services);
            await work(new WorkflowRunner(engine, runnerLog));
            await session.Store.SaveChangesAsync(CancellationToken.None);
            session.LastError = null;
        }
        catch (Exception ex) when (ex is TaskInputException or TaskNotOpenException or WorkflowNotFoundException or SandboxException)
        {
            session.LastError = ex.Message;
            throw;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>
    /// Refuses start inputs the flow does not declare, before a session is made: the engine would refuse them too,
    /// but as an <see cref="ArgumentException"/> that neither the API nor the page words for the admin.
    /// </summary>
    private static void CheckInputs(WorkflowDefinition definition, JsonObject inputs)
    {
        List<string> names;
        try
        {
            names = [.. inputs.Select(p => p.Key)];
        }
        catch (ArgumentException)
        {
            // A JsonObject parsed from text with a name twice only finds out when first looked into.
            throw new SandboxInputException("样例变量有误", new Dictionary<string, string[]> { ["inputs"] = ["样例变量中有重复的名称"] });
        }

        var errors = names.Where(name => definition.Variables.All(v => v.Name != name))
            .ToDictionary(name => "inputs." + name, name => new[] { $"流程 “{definition.Id}” 未声明变量 “{name}”" }, StringComparer.Ordinal);
        if (errors.Count > 0)
        {
            throw new SandboxInputException("样例变量有误", errors);
        }
    }

    private DateTimeOffset SameTimeOfDay(DateTimeOffset midnightOfDay, DateTimeOffset reference)
    {
        var local = reference.ToOffset(calendar.UtcOffset);
        var day = midnightOfDay.ToOffset(calendar.UtcOffset);
        return new DateTimeOffset(day.Date + local.TimeOfDay, calendar.UtcOffset);
    }

    private Session? Get(Guid sessionId)
    {
        Sweep();
        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            return null;
        }

        session.LastUsed = time.GetUtcNow();
        return session;
    }

    private void Sweep()
    {
        var cutoff = time.GetUtcNow() - IdleLimit;
        foreach (var (id, session) in _sessions)
        {
            if (session.LastUsed < cutoff && _sessions.TryRemove(id, out _))
            {
                session.Dispose();
            }
        }
    }

    private sealed class Session(Guid id, string definitionId, string label, DefinitionCatalog catalog, SandboxClock clock, string actor) : IDisposable
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public DefinitionCatalog Catalog { get; } = catalog;

        public void Dispose() => Gate.Dispose();

        public Guid Id { get; } = id;

        public string DefinitionId { get; } = definitionId;

        public string Label { get; } = label;

        public SandboxClock Clock { get; } = clock;

        public string Actor { get; } = actor;

        public InMemoryWorkflowStore Store { get; } = new();

        public Guid RootInstanceId { get; set; }

        public DateTimeOffset LastUsed { get; set; } = clock.GetUtcNow();

        public string? LastError { get; set; }

        public SandboxState State(IWorkingCalendar calendar)
        {
            var offset = calendar.UtcOffset;
            string Local(DateTimeOffset at) => at.ToOffset(offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var instances = Store.Instances.ToDictionary(i => i.Id);
            var root = instances.GetValueOrDefault(RootInstanceId);
            return new SandboxState(
                Id,
                DefinitionId,
                Label,
                Local(Clock.GetUtcNow()),
                Clock.GetUtcNow(),
                root?.Status.ToString() ?? "NotStarted",
                root?.Fault,
                [.. Store.Instances.Select(i => new SandboxInstance(i.Id, i.DefinitionId, i.DefinitionVersion, i.Status.ToString(), i.Fault, i.ParentInstanceId))],
                [.. Store.Journal.Select(j => new SandboxJournalLine(Local(j.At), instances.GetValueOrDefault(j.InstanceId)?.DefinitionId, j.ActivityId, j.ActivityType, j.Event, j.Outcome, j.Actor, j.Summary))],
                [.. Store.Tasks.Where(t => t.Status == WorkflowTaskStatus.Open).OrderBy(t => t.CreatedAt).Select(t => new SandboxTask(
                    t.Id, t.DefinitionId, t.ActivityId, t.Title, t.AssigneeRole, t.OrgUnitCode, t.AssigneeUser, t.DueAt is { } due ? Local(due) : null,
                    JsonSerializer.Deserialize<List<string>>(t.OutcomesJson) ?? [],
                    JsonSerializer.Deserialize<List<FormField>>(t.FormJson, WebJson) ?? []))],
                [.. Store.Bookmarks.Where(b => b.Kind == BookmarkKind.Timer && b.DueAt is not null).OrderBy(b => b.DueAt).Select(b => new SandboxTimer(b.ActivityId, b.Name, Local(b.DueAt!.Value)))],
                [.. Store.Bookmarks.Where(b => b.Kind == BookmarkKind.Signal).Select(b => b.Name ?? "").Distinct()],
                [.. Store.Notices.Select(n => new SandboxNotice(n.Id, n.TemplateId, n.Title, n.DocumentNumber, n.Audience, Local(n.IssuedAt), n.Html))],
                [.. Store.Mails.Select(m => new SandboxMail(m.To, m.Subject))],
                LastError);
        }
    }

    /// <summary>The sandbox's own clock: starts at the host's now and moves only when the admin advances it.</summary>
    private sealed class SandboxClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Set(DateTimeOffset at) => Interlocked.Exchange(ref _ticks, at.UtcTicks);
    }
}

/// <summary>How far to move the sandbox clock: working days, or days and hours, or to the next timer.</summary>
public sealed record SandboxAdvance(int? WorkingDays = null, int? Days = null, int? Hours = null, bool ToNextTimer = false)
{
    // Ten years: far beyond any deadline of the flows, and short of the ends of the calendar and of DateTimeOffset.
    private const int MaxWorkingDays = 2500;
    private const int MaxDays = 3660;
    private const int MaxHours = MaxDays * 24;

    /// <summary>
    /// What is wrong with this request, by field: a value out of range, two ways of moving at once, or no way at all
    /// (a request that would not move the clock is refused, not answered with the unchanged run).
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Problems()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Range(errors, "workingDays", WorkingDays, 1, MaxWorkingDays);
        Range(errors, "days", Days, 0, MaxDays);
        Range(errors, "hours", Hours, 0, MaxHours);
        if (ToNextTimer && (WorkingDays ?? Days ?? Hours) is not null)
        {
            errors["toNextTimer"] = ["不能与 workingDays、days、hours 同时使用"];
        }
        else if (WorkingDays is not null && (Days ?? Hours) is not null)
        {
            errors["workingDays"] = ["不能与 days、hours 同时使用"];
        }
        else if (errors.Count == 0 && !ToNextTimer && (WorkingDays ?? 0) + (Days ?? 0) + (Hours ?? 0) == 0)
        {
            if (Days is null && Hours is null)
            {
                errors["$"] = ["请指定推进多少时间：workingDays、days 或 hours（正整数），或 toNextTimer: true"];
            }
            else
            {
                foreach (var (name, value) in new[] { ("days", Days), ("hours", Hours) }.Where(f => f.Item2 is not null))
                {
                    errors[name] = ["推进的时间须大于 0"];
                }
            }
        }

        return errors;
    }

    private static void Range(Dictionary<string, string[]> errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors[field] = [$"须为 {min} 到 {max} 之间的整数"];
        }
    }
}

/// <summary>A sandbox request that cannot be carried out (400).</summary>
public class SandboxException(string message) : Exception(message);

/// <summary>A sandbox request with values that cannot be used, by field (400 naming them).</summary>
public sealed class SandboxInputException(string title, IReadOnlyDictionary<string, string[]> errors)
    : SandboxException(string.Join("；", errors.SelectMany(e => e.Value)))
{
    public string Title { get; } = title;

    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>A signal no path of the run waits for (409), with the ones that are waited for.</summary>
public sealed class SandboxSignalNotWaitingException(string signal, IReadOnlyList<string> waiting)
    : SandboxException(waiting.Count == 0
        ? $"没有等待信号 “{signal}” 的路径；当前没有等待中的信号"
        : $"没有等待信号 “{signal}” 的路径；等待中的信号：{string.Join("、", waiting)}")
{
    public string Signal { get; } = signal;

    public IReadOnlyList<string> Waiting { get; } = waiting;
}

/// <summary>What the 试运行 page shows: the clock, the instances, the path (journal), open tasks, timers, notices and mails.</summary>
public sealed record SandboxState(
    Guid SessionId,
    string DefinitionId,
    string Label,
    string Now,
    DateTimeOffset NowUtc,
    string Status,
    string? Fault,
    IReadOnlyList<SandboxInstance> Instances,
    IReadOnlyList<SandboxJournalLine> Journal,
    IReadOnlyList<SandboxTask> OpenTasks,
    IReadOnlyList<SandboxTimer> Timers,
    IReadOnlyList<string> WaitingSignals,
    IReadOnlyList<SandboxNotice> Notices,
    IReadOnlyList<SandboxMail> Mails,
    string? LastError);

public sealed record SandboxInstance(Guid Id, string DefinitionId, int Version, string Status, string? Fault, Guid? ParentId);

public sealed record SandboxJournalLine(string At, string? DefinitionId, string? ActivityId, string? ActivityType, string Event, string? Outcome, string Actor, string? Summary);

public sealed record SandboxTask(Guid Id, string DefinitionId, string ActivityId, string Title, string? Role, string? OrgUnitCode, string? User, string? DueAt, IReadOnlyList<string> Outcomes, IReadOnlyList<FormField> Form);

public sealed record SandboxTimer(string ActivityId, string? Name, string DueAt);

public sealed record SandboxNotice(Guid Id, string TemplateId, string Title, string? DocumentNumber, string? Audience, string IssuedAt, string Html);

public sealed record SandboxMail(string To, string Subject);
