using System.Globalization;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Waits until a time (定时): a duration, calendar or working days from now, or the date an expression
/// gives. The wait is a timer bookmark; the scheduler resumes it when due, also after a restart.
/// </summary>
public sealed class Timer : Activity<Timer.Properties>
{
    public override string Type => "Timer";

    public override string DisplayName => "定时等待";

    public override bool CanWait(ActivityDefinition definition) => true;

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        if (properties.At is not null)
        {
            if (properties.WorkingDays is not null || properties.Days is not null || properties.Duration is not null)
            {
                validator.Error("at", "at 不能与 workingDays/days/duration 同时使用 (use either at or a duration)");
            }

            validator.Expression("at", properties.At);
            return;
        }

        if (properties.AsPolicy().Validate() is { } error)
        {
            validator.Error("duration", error);
        }
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        DateTimeOffset due;
        if (properties.At is not null)
        {
            var value = context.Evaluate(properties.At);
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out due))
            {
                throw new InvalidOperationException($"定时表达式 “{properties.At}” 未给出日期时间（得到 {value?.ToJsonString() ?? "null"}）");
            }
        }
        else
        {
            due = properties.AsPolicy().DueFrom(context.Now, context.Services.Calendar);
        }

        context.CreateBookmark(BookmarkKind.Timer, "delay", due);
        context.Summary = $"至 {due.ToOffset(context.Services.Calendar.UtcOffset):yyyy-MM-dd HH:mm}";
        return ValueTask.FromResult(ActivityResult.Wait);
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
