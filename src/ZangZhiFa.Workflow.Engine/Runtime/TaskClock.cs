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
/// complainant's material does not count, SAMR Art. 20) and the next task on the clock resumes it.
/// </summary>
/// <remarks>
/// <para>How a resume moves the deadline depends on how the limit is counted (补正期间不计入办理期限):</para>
/// <list type="bullet">
/// <item>In working days (<c>{ "workingDays": n }</c>): the stop day counts as used and the working days after it,
/// up to and including the last day, are what is left; the resume day is not counted (as the start day of any limit
/// is not), so the deadline becomes the end of the last of those days counted on from the resume day. The deadline
/// therefore always ends a working day, and a stop and resume on the same day leave it where it was. With nothing
/// left (stopped on the last day) the work has the rest of the resume day, or of the next working day when that day
/// is not one. A clock already overdue when it stopped stays overdue: its deadline does not move.</item>
/// <item>In calendar days (a deadline at a local midnight): the same count with every day a day: the days after the
/// stop day up to the last day, counted on from the resume day. A stop of seconds across no midnight moves nothing;
/// one from Monday to Thursday moves the deadline three days.</item>
/// <item>As a duration (any other deadline): the deadline moves by exactly the time the clock stood still.</item>
/// </list>
/// <para>A stop never brings the deadline forward. <c>pausedTotal</c> adds up how far stops moved the deadline, so
/// the limit's span (<see cref="ActiveSince"/> to <see cref="DueAt"/>) stays the whole limit for reminders. The
/// variable holds JSON, readable by expressions and notices:
/// <code>{ startedAt, dueAt, dueDate, pausedAt, pausedTotal, inWorkingDays, extensions, extendedFrom, orgUnitCode, escalationLevel }</code></para>
/// </remarks>
public sealed class TaskClock
{
    /// <summary>When the limit started (the first task on the clock opened).</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The deadline as it stands: moved by stops, extensions and 督办 re-arming.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>When the clock was stopped; null while it runs.</summary>
    public DateTimeOffset? PausedAt { get; set; }

    /// <summary>How far stops have moved the deadline so far (for a calendar-day or duration limit: the time the clock stood still).</summary>
    public TimeSpan PausedTotal { get; set; }

    /// <summary>
    /// Whether the limit is counted in working days, which decides how a resume moves the deadline. Null on a clock
    /// stored before this was recorded; the task resuming it then says (its own <c>deadline</c>).
    /// </summary>
    public bool? InWorkingDays { get; set; }

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

    public static TaskClock Start(DateTimeOffset now, DateTimeOffset due, bool inWorkingDays) =>
        new() { StartedAt = now, DueAt = due, InWorkingDays = inWorkingDays };

    /// <summary>Stops the clock; stopping a stopped clock keeps the first stop.</summary>
    public void Stop(DateTimeOffset now) => PausedAt ??= now;

    /// <summary>Runs the clock again (see the remarks on <see cref="TaskClock"/>); returns how far the deadline moved.</summary>
    public TimeSpan Resume(DateTimeOffset now, IWorkingCalendar calendar)
    {
        if (PausedAt is not { } pausedAt)
        {
            return TimeSpan.Zero;
        }

        var due = InWorkingDays == true ? WorkingDaysDue(pausedAt, now, calendar)
            : EndsADay(DueAt, calendar) ? CalendarDaysDue(pausedAt, now, calendar)
            : DueAt + (now > pausedAt ? now - pausedAt : TimeSpan.Zero);
        var moved = due > DueAt ? due - DueAt : TimeSpan.Zero;
        DueAt += moved;
        PausedTotal += moved;
        PausedAt = null;
        return moved;
    }

    private DateTimeOffset WorkingDaysDue(DateTimeOffset pausedAt, DateTimeOffset now, IWorkingCalendar calendar)
    {
        var stopDay = LocalDay(pausedAt, calendar);
        var lastDay = DuePolicy.LastDay(DueAt, calendar);
        if (stopDay > lastDay)
        {
            return DueAt;
        }

        var left = 0;
        for (var day = stopDay.AddDays(1); day <= lastDay; day = day.AddDays(1))
        {
            if (calendar.IsWorkingDay(day))
            {
                left++;
            }
        }

        if (left > 0)
        {
            return calendar.AddWorkingDays(now, left);
        }

        var resumeDay = LocalDay(now, calendar);
        return calendar.IsWorkingDay(resumeDay)
            ? new DateTimeOffset(resumeDay.AddDays(1).ToDateTime(TimeOnly.MinValue), calendar.UtcOffset)
            : calendar.AddWorkingDays(now, 1);
    }

    /// <summary>
    /// A limit in calendar days (it ends at a local midnight), counted as working days are: the days left after the
    /// stop day, counted on from the resume day. A wall-clock shift would carry a stop of seconds across midnight
    /// and lengthen the limit by a day (and an extension after it by one more).
    /// </summary>
    private DateTimeOffset CalendarDaysDue(DateTimeOffset pausedAt, DateTimeOffset now, IWorkingCalendar calendar)
    {
        var stopDay = LocalDay(pausedAt, calendar);
        var lastDay = DuePolicy.LastDay(DueAt, calendar);
        if (stopDay > lastDay)
        {
            return DueAt;
        }

        var end = LocalDay(now, calendar).AddDays(lastDay.DayNumber - stopDay.DayNumber);
        return new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), calendar.UtcOffset);
    }

    private static bool EndsADay(DateTimeOffset instant, IWorkingCalendar calendar) =>
        instant.ToOffset(calendar.UtcOffset).TimeOfDay == TimeSpan.Zero;

    private static DateOnly LocalDay(DateTimeOffset instant, IWorkingCalendar calendar) =>
        DateOnly.FromDateTime(instant.ToOffset(calendar.UtcOffset).DateTime);

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
            InWorkingDays = obj["inWorkingDays"] is JsonValue w && w.TryGetValue<bool>(out var inWorkingDays) ? inWorkingDays : null,
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
            ["inWorkingDays"] = InWorkingDays,
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
