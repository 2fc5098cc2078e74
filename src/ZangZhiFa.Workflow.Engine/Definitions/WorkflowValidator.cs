using System.Text.RegularExpressions;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Expressions;

namespace ZangZhiFa.Workflow.Engine.Definitions;

/// <summary>
/// Checks a definition before it can run or be published: structure (ids, types, connections, reachability,
/// cycles without a wait) and each activity's properties (expressions, templates, time limits).
/// The designer and the <c>validate</c> command use this same class, so they report the same errors.
/// </summary>
public sealed partial class WorkflowValidator(ActivityRegistry activities, ScriptEngine scripts, INoticeRenderer? notices)
{
    private static readonly HashSet<string> ReservedNames = new(StringComparer.Ordinal) { "instance", "now", "notice" };
    private static readonly HashSet<string> VariableTypes = new(StringComparer.Ordinal) { "string", "number", "boolean", "object", "array", "date" };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex DefinitionId();

    public IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition, string? file = null, IReadOnlySet<string>? knownDefinitions = null)
    {
        var context = new DefinitionValidationContext(scripts, notices, knownDefinitions, file) { Definition = definition };
        ValidateHeader(definition, context);

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var activity in definition.Activities)
        {
            if (!Identifier().IsMatch(activity.Id))
            {
                context.Error(activity.Id, null, "节点 id 须为英文标识符（字母、数字、下划线）(id must be an identifier)");
            }
            else if (!ids.Add(activity.Id))
            {
                context.Error(activity.Id, null, "节点 id 重复 (duplicate activity id)");
            }
            else if (ReservedNames.Contains(activity.Id) || definition.Variables.Any(v => v.Name == activity.Id))
            {
                context.Error(activity.Id, null, "节点 id 与变量名或保留名冲突 (clashes with a variable or reserved name)");
            }

            if (!activities.TryGet(activity.Type, out var type))
            {
                context.Error(activity.Id, "type", $"未知节点类型 (unknown type) “{activity.Type}”; known: {string.Join(", ", activities.All.Select(a => a.Type))}");
                continue;
            }

            type.Validate(activity, context);
        }

        var starts = definition.Activities.Where(a => a.Type == "Start").ToList();
        if (starts.Count != 1)
        {
            context.Error(null, null, $"须有且只有一个 Start 节点，现有 {starts.Count} 个 (exactly one Start)");
        }

        ValidateConnections(definition, context);
        if (starts.Count == 1)
        {
            ValidateReachability(definition, starts[0].Id, context);
        }

        ValidateCycles(definition, context);
        return context.Errors;
    }

    private static void ValidateHeader(WorkflowDefinition definition, DefinitionValidationContext context)
    {
        if (!DefinitionId().IsMatch(definition.Id))
        {
            context.Error(null, "id", $"流程 id “{definition.Id}” 须为小写字母、数字和连字符 (lower-case kebab id)");
        }

        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            context.Error(null, "name", "流程名称必填 (name required)");
        }

        if (definition.Version < 1)
        {
            context.Error(null, "version", "版本号须为正整数 (version must be ≥ 1)");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in definition.Variables)
        {
            if (!Identifier().IsMatch(variable.Name) || ReservedNames.Contains(variable.Name))
            {
                context.Error(null, $"variables.{variable.Name}", "变量名须为英文标识符且不是保留名 instance/now/notice (identifier, not reserved)");
            }
            else if (!names.Add(variable.Name))
            {
                context.Error(null, $"variables.{variable.Name}", "变量名重复 (duplicate variable)");
            }

            if (!VariableTypes.Contains(variable.Type))
            {
                context.Error(null, $"variables.{variable.Name}.type", $"未知变量类型 “{variable.Type}” (one of {string.Join(", ", VariableTypes)})");
            }
            else if (variable.CaseAccess && variable.Type != "string")
            {
                context.Error(null, $"variables.{variable.Name}.caseAccess", "caseAccess 只能用于存放单位代码的 string 变量 (caseAccess needs a string variable holding a unit code)");
            }
        }
    }

    private void ValidateConnections(WorkflowDefinition definition, DefinitionValidationContext context)
    {
        var byId = definition.Activities.GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        foreach (var connection in definition.Connections)
        {
            if (!byId.TryGetValue(connection.From, out var from))
            {
                context.ConnectionError(connection, $"起点 “{connection.From}” 不存在 (dangling connection: no such activity)");
                continue;
            }

            if (!byId.TryGetValue(connection.To, out var to))
            {
                context.ConnectionError(connection, $"终点 “{connection.To}” 不存在 (dangling connection: no such activity)");
            }
            else if (to.Type == "Start")
            {
                context.ConnectionError(connection, "不能连回开始节点 (cannot connect into Start)");
            }

            if (activities.TryGet(from.Type, out var type) && type.CanReadProperties(from) && !type.GetOutcomes(from).Contains(connection.Outcome))
            {
                context.ConnectionError(connection, $"“{from.Id}” 没有结果 “{connection.Outcome}” (unknown outcome; has: {string.Join(", ", type.GetOutcomes(from))})");
            }

            if (!seen.Add((connection.From, connection.Outcome)))
            {
                context.ConnectionError(connection, "同一结果只能连一条线，并行请用 Fork (one connection per outcome; use a Fork for parallel paths)");
            }
        }

        foreach (var activity in definition.Activities)
        {
            if (!activities.TryGet(activity.Type, out var type) || !type.CanReadProperties(activity))
            {
                continue;
            }

            foreach (var outcome in type.GetOutcomes(activity).Where(o => !seen.Contains((activity.Id, o))))
            {
                context.Error(activity.Id, null, $"结果 “{outcome}” 没有连线 (outcome without a connection)");
            }
        }
    }

    private static void ValidateReachability(WorkflowDefinition definition, string startId, DefinitionValidationContext context)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { startId };
        var queue = new Queue<string>([startId]);
        while (queue.TryDequeue(out var id))
        {
            foreach (var next in definition.Connections.Where(c => c.From == id).Select(c => c.To))
            {
                if (reached.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        foreach (var activity in definition.Activities.Where(a => !reached.Contains(a.Id)))
        {
            context.Error(activity.Id, null, "从开始节点无法到达 (unreachable activity)");
        }
    }

    /// <summary>A loop whose every node runs straight through would spin forever: each cycle needs a node that waits.</summary>
    private void ValidateCycles(WorkflowDefinition definition, DefinitionValidationContext context)
    {
        var nonWaiting = definition.Activities
            .Where(a => activities.TryGet(a.Type, out var type) && !type.CanWait(a))
            .Select(a => a.Id)
            .ToHashSet(StringComparer.Ordinal);
        var edges = definition.Connections
            .Where(c => nonWaiting.Contains(c.From) && nonWaiting.Contains(c.To))
            .GroupBy(c => c.From)
            .ToDictionary(g => g.Key, g => g.Select(c => c.To).ToList(), StringComparer.Ordinal);

        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on stack, 2 = done
        var stack = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);

        void Visit(string id)
        {
            state[id] = 1;
            stack.Add(id);
            foreach (var next in edges.GetValueOrDefault(id) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    var cycle = stack.Skip(stack.IndexOf(next)).ToList();
                    if (reported.Add(string.Join(",", cycle.Order(StringComparer.Ordinal))))
                    {
                        context.Error(next, null, $"循环 {string.Join(" → ", cycle.Append(next))} 中没有等待节点，会无限执行 (cycle without a wait)");
                    }
                }
                else if (state.GetValueOrDefault(next) == 0)
                {
                    Visit(next);
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
        }

        foreach (var id in nonWaiting.Where(id => state.GetValueOrDefault(id) == 0))
        {
            Visit(id);
        }
    }
}
