using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Waits for a named external signal (等待信号), e.g. the complainant's supplement arriving; the signal's
/// payload is stored in the variable named after this activity. With a <c>timeout</c> the wait also ends when
/// the time is up, with the timeout outcome (the variable is then null): whichever comes first removes the other.
/// </summary>
public sealed class WaitSignal : Activity<WaitSignal.Properties>
{
    public const string DefaultTimeoutOutcome = "超时";

    internal const string TimeoutTimer = "timeout";

    public override string Type => "Signal";

    public override string DisplayName => "等待信号";

    public override bool CanWait(ActivityDefinition definition) => true;

    protected override IReadOnlyList<string> GetOutcomes(Properties properties) =>
        properties.Timeout is null ? [Outcomes.Done] : [Outcomes.Done, properties.TimeoutOutcome];

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        validator.Required("signal", properties.Signal);
        if (properties.Timeout is { } timeout)
        {
            Timer.ValidateWhen(timeout, validator, "timeout.");
            validator.Required("timeoutOutcome", properties.TimeoutOutcome);
            if (properties.TimeoutOutcome == Outcomes.Done)
            {
                validator.Error("timeoutOutcome", $"不能与信号到达的结果 “{Outcomes.Done}” 相同 (must differ from the arrival outcome)");
            }
        }
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        context.CreateBookmark(BookmarkKind.Signal, properties.Signal);
        context.Summary = properties.Signal;
        if (properties.Timeout is { } timeout)
        {
            var due = Timer.DueAt(context, timeout);
            context.CreateBookmark(BookmarkKind.Timer, TimeoutTimer, due);
            context.Summary += $"，至迟 {due.ToOffset(context.Services.Calendar.UtcOffset):yyyy-MM-dd HH:mm}";
        }

        return ValueTask.FromResult(ActivityResult.Wait);
    }

    protected override ValueTask<ActivityResult> ResumeAsync(ActivityContext context, Properties properties, Bookmark bookmark, ResumeInput input)
    {
        // The other half of this wait (the signal or its timeout) on the same path goes.
        foreach (var other in context.Bookmarks.Where(b => b.ActivityId == bookmark.ActivityId && b.ScopeJson == bookmark.ScopeJson
            && (b.Kind == BookmarkKind.Signal || (b.Kind == BookmarkKind.Timer && b.Name == TimeoutTimer))).ToList())
        {
            context.RemoveBookmark(other);
        }

        if (bookmark.Kind == BookmarkKind.Timer)
        {
            context.Variables[context.Activity.Id] = null;
            context.Summary = $"{properties.Signal} 等待超时";
            return ValueTask.FromResult(ActivityResult.Done(properties.TimeoutOutcome));
        }

        context.Variables[context.Activity.Id] = input.Fields?.DeepClone() ?? new JsonObject();
        return ValueTask.FromResult(ActivityResult.Done(Outcomes.Done));
    }

    public sealed class Properties
    {
        public string Signal { get; set; } = "";

        /// <summary>How long to wait at most: a limit (<c>days</c>, <c>workingDays</c>, <c>duration</c>) or <c>at</c>, as for <see cref="Timer"/>.</summary>
        public Timer.Properties? Timeout { get; set; }

        /// <summary>The outcome when the time is up.</summary>
        public string TimeoutOutcome { get; set; } = DefaultTimeoutOutcome;
    }
}
