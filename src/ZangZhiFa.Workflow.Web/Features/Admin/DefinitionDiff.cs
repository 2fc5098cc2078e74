using System.Text.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// What changed between two versions of a flow. Activities are matched by id; an activity counts as changed when
/// its type, title, description or properties differ — a node only moved on the canvas is not a change of the flow.
/// A connection is identified by its three parts, so re-pointing an outcome shows as one removed and one added.
/// </summary>
public sealed record DefinitionDiff(
    IReadOnlyList<string> AddedActivities,
    IReadOnlyList<string> RemovedActivities,
    IReadOnlyList<string> ChangedActivities,
    IReadOnlyList<ConnectionDefinition> AddedConnections,
    IReadOnlyList<ConnectionDefinition> RemovedConnections)
{
    public bool IsEmpty => AddedActivities.Count + RemovedActivities.Count + ChangedActivities.Count + AddedConnections.Count + RemovedConnections.Count == 0;

    public static DefinitionDiff Between(WorkflowDefinition from, WorkflowDefinition to)
    {
        var before = from.Activities.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var after = to.Activities.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var beforeLinks = from.Connections.Select(Key).ToHashSet(StringComparer.Ordinal);
        var afterLinks = to.Connections.Select(Key).ToHashSet(StringComparer.Ordinal);
        return new(
            [.. to.Activities.Where(a => !before.ContainsKey(a.Id)).Select(a => a.Id)],
            [.. from.Activities.Where(a => !after.ContainsKey(a.Id)).Select(a => a.Id)],
            [.. to.Activities.Where(a => before.TryGetValue(a.Id, out var old) && Content(old) != Content(a)).Select(a => a.Id)],
            [.. to.Connections.Where(c => !beforeLinks.Contains(Key(c)))],
            [.. from.Connections.Where(c => !afterLinks.Contains(Key(c)))]);
    }

    /// <summary>One line for the journal: what an admin change did, compared with what was there before.</summary>
    public static string Summary(WorkflowDefinition? before, WorkflowDefinition after, string label)
    {
        if (before is null)
        {
            return $"{label}：新建流程 {after.Id}（{after.Activities.Count} 个节点，{after.Connections.Count} 条连线）";
        }

        var diff = Between(before, after);
        static string List(IEnumerable<string> items) => string.Join("、", items);
        var parts = new List<string>();
        if (diff.AddedActivities.Count > 0)
        {
            parts.Add($"新增节点 {List(diff.AddedActivities)}");
        }

        if (diff.RemovedActivities.Count > 0)
        {
            parts.Add($"删除节点 {List(diff.RemovedActivities)}");
        }

        if (diff.ChangedActivities.Count > 0)
        {
            parts.Add($"修改节点 {List(diff.ChangedActivities)}");
        }

        if (diff.AddedConnections.Count > 0)
        {
            parts.Add($"新增连线 {List(diff.AddedConnections.Select(c => c.ToString()))}");
        }

        if (diff.RemovedConnections.Count > 0)
        {
            parts.Add($"删除连线 {List(diff.RemovedConnections.Select(c => c.ToString()))}");
        }

        var change = parts.Count == 0 ? "节点与连线无变化" : string.Join("；", parts);
        return $"{label}（基于 v{before.Version}，{before.Activities.Count} 个节点 → {after.Activities.Count} 个节点）：{change}";
    }

    private static string Key(ConnectionDefinition c) => $"{c.From}\u001f{c.Outcome}\u001f{c.To}";

    private static string Content(ActivityDefinition a) =>
        JsonSerializer.Serialize(new JsonObject
        {
            ["type"] = a.Type,
            ["title"] = a.Title,
            ["description"] = a.Description,
            ["properties"] = a.Properties.DeepClone(),
        }, WorkflowDefinitionSerializer.Options);
}
