using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Chooses one outcome (判断): the first case whose condition is true, else <c>otherwise</c>.
/// Conditions are sandboxed Scriban expressions over the variables.
/// </summary>
public sealed class Decision : Activity<Decision.Properties>
{
    public override string Type => "Decision";

    public override string DisplayName => "条件判断";

    protected override IReadOnlyList<string> GetOutcomes(Properties properties) =>
        [.. properties.Cases.Select(c => c.Outcome).Append(properties.Otherwise).Where(o => !string.IsNullOrEmpty(o)).Distinct()];

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        if (properties.Cases.Count == 0)
        {
            validator.Error("cases", "至少需要一个条件分支 (at least one case)");
        }

        for (var i = 0; i < properties.Cases.Count; i++)
        {
            validator.Required($"cases[{i}].outcome", properties.Cases[i].Outcome);
            validator.Expression($"cases[{i}].when", properties.Cases[i].When);
        }

        validator.Required("otherwise", properties.Otherwise);
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var scope = context.ScriptScope();
        foreach (var @case in properties.Cases)
        {
            if (context.Services.Scripts.EvaluateCondition(@case.When, scope))
            {
                context.Summary = @case.When;
                return ValueTask.FromResult(ActivityResult.Done(@case.Outcome));
            }
        }

        return ValueTask.FromResult(ActivityResult.Done(properties.Otherwise));
    }

    public sealed class Properties
    {
        public List<Case> Cases { get; set; } = [];

        public string Otherwise { get; set; } = "";
    }

    public sealed class Case
    {
        public string When { get; set; } = "";

        public string Outcome { get; set; } = "";
    }
}
