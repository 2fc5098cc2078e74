using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Waits until a time (定时): a duration, calendar or working days from now, or the date an expression
/// gives (a date alone means the end of that day, Beijing time). The wait is a timer bookmark; the scheduler
/// resumes it when due, also after a restart.
/// </summary>
public sealed class Timer : Activity<Timer.Properties>
{
    public override string Type => "Timer";

    public override string DisplayName => "定时等待";

    public override bool CanWait(ActivityDefinition definition) => true;

    protected override void Validate(Properties properties, PropertyValidator validator) =>
        ValidateWhen(properties, validator, "");

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var due = DueAt(context, properties);
        context.CreateBookmark(BookmarkKind.Timer, "delay", due);
        context.Summary = $"至 {due.ToOffset(context.Services.Calendar.UtcOffset):yyyy-MM-dd HH:mm}";
        return ValueTask.FromResult(ActivityResult.Wait);
    }

    /// <summary>Checks a point in time written as a limit or as <c>at</c>; <paramref name="prefix"/> names the property that holds it.</summary>
    internal static void ValidateWhen(Properties properties, PropertyValidator validator, string prefix)
    {
        if (properties.At is not null)
        {
            if (properties.WorkingDays is not null || properties.Days is not null || properties.Duration is not null)
            {
                validator.Error(prefix + "at", "at 不能与 workingDays/days/duration 同时使用 (use either at or a duration)");
            }

            validator.Expression(prefix + "at", properties.At);
            return;
        }

        if (properties.AsPolicy().Validate() is { } error)
        {
            validator.Error(prefix + "duration", error);
        }
    }

    /// <summary>
    /// When the wait ends: the limit counted from now, or the instant <c>at</c> gives — an ISO date-time, or an
    /// ISO date meaning the end of that day in local time.
    /// </summary>
    internal static DateTimeOffset DueAt(ActivityContext context, Properties properties)
    {
        if (properties.At is null)
        {
            return properties.AsPolicy().DueFrom(context.Now, context.Services.Calendar);
        }

        var value = context.Evaluate(properties.At);
        if (value is not JsonValue v || !v.TryGetValue<string>(out var text) || !DuePolicy.TryParseInstant(text, context.Services.Calendar, out var due))
        {
            throw new InvalidOperationException($"定时表达式 “{properties.At}” 未给出日期或日期时间（得到 {value?.ToJsonString() ?? "null"}）");
        }

        return due;
    }

    protected override ValueTask<ActivityResult> ResumeAsync(ActivityContext context, Properties properties, Bookmark bookmark, ResumeInput input) =>
        ValueTask.FromResult(ActivityResult.Done(Outcomes.Done));

    public sealed class Properties
    {
        public int? WorkingDays { get; set; }

        public int? Days { get; set; }

        public string? Duration { get; set; }

        /// <summary>Expression giving an ISO 8601 date-time to wait for.</summary>
        public string? At { get; set; }

        internal DuePolicy AsPolicy() => new() { WorkingDays = WorkingDays, Days = Days, Duration = Duration };
    }
}
