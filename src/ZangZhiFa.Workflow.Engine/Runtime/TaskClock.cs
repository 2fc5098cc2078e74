using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using ZangZhiFa.Workflow.Engine.Abstractions;

namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>
/// A time limit that outlives one task (办理时限): kept in a workflow variable, shared by the human tasks that
/// name it as their <c>clock</c> and pushed by <c>ExtendDeadline</c> (延期). A task opens with the time left on
/// the clock; completing it with one of its stop outcomes stops the clock (e.g. 要求补正: waiting for the
/// complainant's material does not count, SAMR Art. 20) and the next task on the clock resumes it, moving the
/// deadline by exactly the time it stood still. The variable holds JSON, readable by expressions and notices:
/// <code>{ startedAt, dueAt, dueDate, pausedAt, pausedTotal, extensions, extendedFrom, orgUnitCode, escalationLevel }</code>
/// </summary>
public sealed class TaskClock
{
    /// <summary>When the limit started (the first task on the clock opened).</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The deadline as it stands: moved by stops, extensions and 督办 re-arming.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>When the clock was stopped; null while it runs.</summary>
    public DateTimeOffset? PausedAt { get; set; }

    /// <summary>All the time the clock stood still so far.</summary>
    public TimeSpan PausedTotal { get; set; }

    /// <summary>How many extensions were granted.</summary>
    public int Extensions { get; set; }

    /// <summary>The last day of the limit before the latest extension (原办结期限).</summary>
    public DateOnly? ExtendedFrom { get; set; }

    /// <summary>The unit the last task on the clock was with; a reopened task stays there if it was escalated.</summary>
    public string? OrgUnitCode { get; set; }

    /// <summary>How often the work was escalated (督办); carried to the next task on the clock.</summary>
    public int EscalationLevel { get; set; }

    public bool IsRunning => PausedAt is null;

    /// <summary>The start of the limit with the stopped time left out; reminders are fractions of [this, <see cref="DueAt"/>].</summary>
    public DateTimeOffset ActiveSince => StartedAt + PausedTotal;

    public static TaskClock Start(DateTimeOffset now, DateTimeOffset due) => new() { StartedAt = now, DueAt = due };

    /// <summary>Stops the clock; stopping a stopped clock keeps the first stop.</summary>
    public void Stop(DateTimeOffset now) => PausedAt ??= now;

    /// <summary>Runs the clock again; returns the time it stood still, by which the deadline moved.</summary>
    public TimeSpan Resume(DateTimeOffset now)
    {
        if (PausedAt is not { } pausedAt)
        {
            return TimeSpan.Zero;
        }

        var stopped = now > pausedAt ? now - pausedAt : TimeSpan.Zero;
        DueAt += stopped;
        PausedTotal += stopped;
        PausedAt = null;
        return stopped;
    }

    /// <summary>Moves the deadline to <paramref name="newDue"/> and counts the extension.</summary>
    public void Extend(DateTimeOffset newDue, IWorkingCalendar calendar)
    {
        ExtendedFrom = DuePolicy.LastDay(DueAt, calendar);
        DueAt = newDue;
        Extensions++;
    }

    /// <summary>
    /// The clock stored in <paramref name="variable"/>; null when the variable is empty (no task has started it).
    /// Throws when it holds something else, so a flow that overwrote it fails loudly instead of resetting the limit.
    /// </summary>
    public static TaskClock? Read(JsonNode? node, string variable)
    {
        if (node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Null))
        {
            return null;
        }

        if (node is not JsonObject obj || Instant(obj["dueAt"]) is not { } due || Instant(obj["startedAt"]) is not { } started)
        {
            throw new InvalidOperationException($"变量 “{variable}” 不是任务时钟（须含 startedAt 与 dueAt）：{node.ToJsonString()}");
        }

        return new TaskClock
        {
            StartedAt = started,
            DueAt = due,
            PausedAt = Instant(obj["pausedAt"]),
            PausedTotal = Text(obj["pausedTotal"]) is { } total ? XmlConvert.ToTimeSpan(total) : TimeSpan.Zero,
            Extensions = obj["extensions"] is JsonValue e && e.TryGetValue<int>(out var n) ? n : 0,
            ExtendedFrom = Text(obj["extendedFrom"]) is { } from ? DateOnly.ParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
            OrgUnitCode = Text(obj["orgUnitCode"]),
            EscalationLevel = obj["escalationLevel"] is JsonValue l && l.TryGetValue<int>(out var level) ? level : 0,
        };
    }

    /// <summary>The variable's value; times in local (Beijing) time, <c>dueDate</c> the last day allowed.</summary>
    public JsonObject ToJson(IWorkingCalendar calendar)
    {
        string Local(DateTimeOffset t) => t.ToOffset(calendar.UtcOffset).ToString("O", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["startedAt"] = Local(StartedAt),
            ["dueAt"] = Local(DueAt),
            ["dueDate"] = DuePolicy.LastDay(DueAt, calendar).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["pausedAt"] = PausedAt is { } p ? Local(p) : null,
            ["pausedTotal"] = XmlConvert.ToString(PausedTotal),
            ["extensions"] = Extensions,
            ["extendedFrom"] = ExtendedFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["orgUnitCode"] = OrgUnitCode,
            ["escalationLevel"] = EscalationLevel,
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static DateTimeOffset? Instant(JsonNode? node) =>
        Text(node) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
