using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Calls a domain service (调用业务服务) registered by the host, with inputs computed from the variables, and follows the
/// outcome it answers. The outcomes are declared in the definition so the flowchart can be checked without the host;
/// an answer outside them is an error, not a silent dead end. The service's value is stored under the activity id.
/// </summary>
public sealed class Invoke : Activity<Invoke.Properties>
{
    public override string Type => "Invoke";

    public override string DisplayName => "调用业务服务";

    protected override IReadOnlyList<string> GetOutcomes(Properties properties) => properties.Outcomes;

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        validator.Required("service", properties.Service);
        if (properties.Outcomes.Count == 0)
        {
            validator.Error("outcomes", "须列出服务可能返回的结果 (list the outcomes the service answers)");
        }

        foreach (var (name, expression) in properties.Inputs)
        {
            validator.Expression($"inputs.{name}", expression);
        }
    }

    protected override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        if (context.Services.DomainServices?.GetValueOrDefault(properties.Service) is not { } service)
        {
            throw new InvalidOperationException($"节点 “{context.Activity.Id}”：未注册的业务服务 “{properties.Service}” (unknown service)");
        }

        var inputs = new JsonObject();
        foreach (var (name, expression) in properties.Inputs)
        {
            inputs[name] = context.Evaluate(expression)?.DeepClone();
        }

        var call = new ServiceCall(context.Instance.Id, context.Instance.CorrelationId, context.Activity.Id, context.Now);
        var result = await service.InvokeAsync(inputs, call, context.CancellationToken);
        if (!properties.Outcomes.Contains(result.Outcome))
        {
            throw new InvalidOperationException($"节点 “{context.Activity.Id}”：服务 “{properties.Service}” 返回了未声明的结果 “{result.Outcome}”");
        }

        context.Variables[context.Activity.Id] = result.Value?.DeepClone();
        context.Summary = result.Summary;
        return ActivityResult.Done(result.Outcome);
    }

    public sealed class Properties
    {
        public string Service { get; set; } = "";

        public Dictionary<string, string> Inputs { get; set; } = [];

        public List<string> Outcomes { get; set; } = [];
    }
}
