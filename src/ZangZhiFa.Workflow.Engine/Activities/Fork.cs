using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Splits the path into parallel branches (并行), one per named branch. A <see cref="Join"/> downstream
/// merges them: it knows how many branches this fork opened because the fork records it.
/// </summary>
public sealed class Fork : Activity<Fork.Properties>
{
    public override string Type => "Fork";

    public override string DisplayName => "并行分支";

    protected override IReadOnlyList<string> GetOutcomes(Properties properties) => properties.Branches;

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        if (properties.Branches.Count < 2)
        {
            validator.Error("branches", "至少需要两个分支 (at least two branches)");
        }

        if (properties.Branches.Distinct(StringComparer.Ordinal).Count() != properties.Branches.Count)
        {
            validator.Error("branches", "分支名称重复 (duplicate branch name)");
        }
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var execution = Guid.CreateVersion7(context.Now).ToString("N");
        context.State.Forks[execution] = new ForkState
        {
            Fork = context.Activity.Id,
            Branches = properties.Branches.Count,
            Parents = [.. context.Scope.Select(f => f.Execution)],
        };
        var branches = properties.Branches.ToDictionary(b => b, b => new ScopeFrame(context.Activity.Id, execution, b), StringComparer.Ordinal);
        return ValueTask.FromResult(ActivityResult.Branch(branches));
    }

    public sealed class Properties
    {
        public List<string> Branches { get; set; } = [];
    }
}
