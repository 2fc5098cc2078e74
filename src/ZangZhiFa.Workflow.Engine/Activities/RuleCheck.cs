using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Checks a case against a catalogue of rules (规则目录, e.g. the 重大执法决定 catalogue) and says which apply.
/// Unlike <see cref="Decision"/>, which stops at the first true case, every rule is evaluated, so the record
/// can say <em>why</em> a path was taken. The rules are data in the definition, edited like any other property.
/// Stores <c>{ matched: [ { id, label } ], labels: "…、…" }</c> under the activity id.
/// </summary>
public sealed class RuleCheck : Activity<RuleCheck.Properties>
{
    public const string Matched = "matched";
    public const string None = "none";

    public override string Type => "RuleCheck";

    public override string DisplayName => "规则目录检查";

    protected override IReadOnlyList<string> GetOutcomes(Properties properties) => [Matched, None];

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        if (properties.Rules.Count == 0)
        {
            validator.Error("rules", "至少需要一条规则 (at least one rule)");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < properties.Rules.Count; i++)
        {
            var rule = properties.Rules[i];
            validator.Required($"rules[{i}].id", rule.Id);
            validator.Required($"rules[{i}].label", rule.Label);
            validator.Expression($"rules[{i}].when", rule.When);
            if (!string.IsNullOrEmpty(rule.Id) && !ids.Add(rule.Id))
            {
                validator.Error($"rules[{i}].id", $"规则编号 “{rule.Id}” 重复 (duplicate rule id)");
            }
        }
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var scope = context.ScriptScope();
        var matched = properties.Rules.Where(r => context.Services.Scripts.EvaluateCondition(r.When, scope)).ToList();
        var labels = string.Join("、", matched.Select(r => r.Label));
        context.Variables[context.Activity.Id] = new JsonObject
        {
            ["matched"] = new JsonArray([.. matched.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["label"] = r.Label })]),
            ["labels"] = labels,
        };
        context.Summary = matched.Count == 0 ? "未命中任何规则" : $"命中：{labels}";
        return ValueTask.FromResult(ActivityResult.Done(matched.Count == 0 ? None : Matched));
    }

    public sealed class Properties
    {
        public List<Rule> Rules { get; set; } = [];
    }

    public sealed class Rule
    {
        public string Id { get; set; } = "";

        public string Label { get; set; } = "";

        public string When { get; set; } = "";
    }
}
