using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>Assigns variables from expressions (设置变量), in order, each seeing the ones before it.</summary>
public sealed class SetVariables : Activity<SetVariables.Properties>
{
    public override string Type => "SetVariables";

    public override string DisplayName => "设置变量";

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        if (properties.Assign.Count == 0)
        {
            validator.Error("assign", "至少需要一个赋值 (at least one assignment)");
        }

        foreach (var (name, expression) in properties.Assign)
        {
            validator.Expression($"assign.{name}", expression);
        }
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        foreach (var (name, expression) in properties.Assign)
        {
            context.Variables[name] = context.Evaluate(expression);
        }

        context.Summary = string.Join(", ", properties.Assign.Keys);
        return ValueTask.FromResult(ActivityResult.Done(Outcomes.Done));
    }

    public sealed class Properties
    {
        public Dictionary<string, string> Assign { get; set; } = [];
    }
}
