using ZangZhiFa.Workflow.Web.Features.OrgUnits;

namespace ZangZhiFa.Workflow.Web.Components.Public;

/// <summary>
/// The org tree flattened for a plain <c>&lt;select&gt;</c> (which cannot nest groups): one <c>&lt;optgroup&gt;</c>
/// per unit that has children, holding that unit and its childless children; units with children of their own
/// get the next groups. Works without JavaScript and reads naturally: region, then each city, then each county.
/// </summary>
public static class RespondentGroups
{
    public sealed record Group(string Label, IReadOnlyList<ListOrgUnits.Node> Units);

    public static IReadOnlyList<Group> Build(IReadOnlyList<ListOrgUnits.Node> roots)
    {
        var groups = new List<Group>();
        foreach (var root in roots)
        {
            Walk(root, parentLabel: null);
        }

        return groups;

        void Walk(ListOrgUnits.Node node, string? parentLabel)
        {
            if (node.Children.Count == 0)
            {
                groups.Add(new Group(parentLabel ?? node.Name, [node]));
                return;
            }

            // Counties are labelled with their city, so the many 城关/城南 names cannot be confused.
            var label = parentLabel is null ? node.Name : $"{parentLabel} / {node.Name}";
            groups.Add(new Group(label, [node, .. node.Children.Where(c => c.Children.Count == 0)]));
            foreach (var child in node.Children.Where(c => c.Children.Count > 0))
            {
                Walk(child, node.Level <= 1 ? null : node.Name);
            }
        }
    }
}
