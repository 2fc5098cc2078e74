using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Merges the branches of the innermost enclosing <see cref="Fork"/> (汇聚). <c>all</c>: continues once,
/// when every branch has arrived. <c>any</c>: continues with the first branch and cancels the others'
/// tasks, timers and child flows.
/// </summary>
public sealed class Join : Activity<Join.Properties>
{
    public override string Type => "Join";

    public override string DisplayName => "汇聚";

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        if (properties.Mode is not ("all" or "any"))
        {
            validator.Error("mode", "只能是 all 或 any (must be all or any)");
        }
    }

    protected override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        if (context.Scope.Count == 0)
        {
            // Not inside a fork: nothing to wait for.
            return ActivityResult.Done(Outcomes.Done);
        }

        var frame = context.Scope[^1];
        var outer = context.Scope.Take(context.Scope.Count - 1).ToList();
        if (!context.State.Forks.TryGetValue(frame.Execution, out var fork))
        {
            // The fork already joined (a wait-any winner went ahead): a late branch ends here.
            return ActivityResult.EndPath;
        }

        if (properties.Mode == "any")
        {
            context.State.Forks.Remove(frame.Execution);
            await context.Runner.CancelScopeAsync(context.Session, frame.Execution, context.CancellationToken);
            context.Summary = $"分支 {frame.Branch} 先到达";
            return ActivityResult.DoneInScope(Outcomes.Done, outer);
        }

        if (!fork.Arrived.Contains(frame.Branch))
        {
            fork.Arrived.Add(frame.Branch);
        }

        context.Summary = $"已到达 {fork.Arrived.Count}/{fork.Branches}";
        if (fork.Arrived.Count < fork.Branches)
        {
            return ActivityResult.EndPath;
        }

        context.State.Forks.Remove(frame.Execution);
        return ActivityResult.DoneInScope(Outcomes.Done, outer);
    }

    public sealed class Properties
    {
        public string Mode { get; set; } = "all";
    }
}
