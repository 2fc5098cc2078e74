using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Ends a path (结束). The instance completes when no path is left waiting; with <c>terminate</c> it
/// completes at once and everything still pending (tasks, timers, child flows) is cancelled.
/// </summary>
public sealed class End : Activity<End.Properties>
{
    public override string Type => "End";

    public override string DisplayName => "结束";

    protected override IReadOnlyList<string> GetOutcomes(Properties properties) => [];

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties) =>
        ValueTask.FromResult(properties.Terminate ? ActivityResult.Terminate : ActivityResult.EndPath);

    public sealed class Properties
    {
        public bool Terminate { get; set; }
    }
}
