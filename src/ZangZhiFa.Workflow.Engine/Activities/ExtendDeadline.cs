using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Extends a time limit kept on a task clock (延期), e.g. the investigation's 30 days by up to 30 more with the
/// head's approval: the clock's deadline moves on by <c>by</c>, counted from the deadline (not from today), and an
/// open task on the clock gets the new deadline at once. The clock counts extensions (<c>extensions</c>) and keeps
/// the previous last day (<c>extendedFrom</c>) for the 延期告知书. How often a flow may extend is the flow's
/// business — e.g. an <c>offerWhen</c> on the task outcome that asks for it.
/// </summary>
public sealed class ExtendDeadline : Activity<ExtendDeadline.Properties>
{
    public override string Type => "ExtendDeadline";

    public override string DisplayName => "延长期限";

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        validator.DeclaredVariable("clock", properties.Clock);
        if (validator.Context.Definition is { } definition && !string.IsNullOrWhiteSpace(properties.Clock)
            && !definition.Activities.Any(a => UsesClock(a, properties.Clock)))
        {
            validator.Error("clock", $"没有人工任务以 “{properties.Clock}” 为时钟 (no HumanTask of this flow has clock.variable “{properties.Clock}”)");
        }

        if (properties.By is null)
        {
            validator.Error("by", "须指定延长多久 (required: e.g. { \"days\": 30 })");
        }
        else if (properties.By.Validate() is { } error)
        {
            validator.Error("by", error);
        }
    }

    protected override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var calendar = context.Services.Calendar;
        var clock = TaskClock.Read(context.Variables[properties.Clock], properties.Clock)
            ?? throw new InvalidOperationException($"变量 “{properties.Clock}” 中还没有任务时钟：延期须在使用该时钟的任务开始之后");
        var open = (await context.OpenTasksAsync())
            .Where(t => context.Definition.FindActivity(t.ActivityId) is { } a && UsesClock(a, properties.Clock))
            .ToList();
        foreach (var task in open.Where(t => t.DueAt is not null))
        {
            // An open task's deadline is the clock's as it stands (督办 may have re-armed it).
            clock.DueAt = task.DueAt!.Value;
        }

        var before = DuePolicy.LastDay(clock.DueAt, calendar);
        clock.Extend(properties.By!.ExtendFrom(clock.DueAt, calendar), calendar);
        foreach (var task in open)
        {
            context.RearmDeadline(task, clock.DueAt);
            task.Revision++;
            context.Services.Store.Update(task);
        }

        context.Variables[properties.Clock] = clock.ToJson(calendar);
        context.Summary = $"{properties.Clock}：{before:yyyy-MM-dd} → {DuePolicy.LastDay(clock.DueAt, calendar):yyyy-MM-dd}（第 {clock.Extensions} 次延期）";
        return ActivityResult.Done(Outcomes.Done);
    }

    private static bool UsesClock(ActivityDefinition activity, string variable)
    {
        if (activity.Type != "HumanTask")
        {
            return false;
        }

        try
        {
            return HumanTask.Read(activity).Clock?.Variable == variable;
        }
        catch (System.Text.Json.JsonException)
        {
            // A task whose properties cannot be read is reported by its own validation.
            return false;
        }
    }

    public sealed class Properties
    {
        /// <summary>The variable holding the clock (the <c>clock.variable</c> of the tasks it limits).</summary>
        public string Clock { get; set; } = "";

        /// <summary>How much longer: <c>days</c>, <c>workingDays</c> or <c>duration</c>.</summary>
        public DuePolicy? By { get; set; }
    }
}
