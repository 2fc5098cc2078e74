using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Waits for a named external signal (等待信号), e.g. the complainant's supplement arriving; the signal's
/// payload is stored in the variable named after this activity.
/// </summary>
public sealed class WaitSignal : Activity<WaitSignal.Properties>
{
    public override string Type => "Signal";

    public override string DisplayName => "等待信号";

    public override bool CanWait(ActivityDefinition definition) => true;

    protected override void Validate(Properties properties, PropertyValidator validator) =>
        validator.Required("signal", properties.Signal);

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        context.CreateBookmark(BookmarkKind.Signal, properties.Signal);
        context.Summary = properties.Signal;
        return ValueTask.FromResult(ActivityResult.Wait);
    }

    protected override ValueTask<ActivityResult> ResumeAsync(ActivityContext context, Properties properties, Bookmark bookmark, ResumeInput input)
    {
        context.Variables[context.Activity.Id] = input.Fields?.DeepClone() ?? new System.Text.Json.Nodes.JsonObject();
        return ValueTask.FromResult(ActivityResult.Done(Outcomes.Done));
    }

    public sealed class Properties
    {
        public string Signal { get; set; } = "";
    }
}
