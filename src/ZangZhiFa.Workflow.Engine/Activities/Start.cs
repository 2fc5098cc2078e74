using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>Where every instance begins (开始). A flow has exactly one.</summary>
public sealed class Start : Activity<Start.Properties>
{
    public override string Type => "Start";

    public override string DisplayName => "开始";

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties) =>
        ValueTask.FromResult(ActivityResult.Done(Outcomes.Done));

    public sealed class Properties;
}
