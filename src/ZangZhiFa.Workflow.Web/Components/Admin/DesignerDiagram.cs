using Blazor.Diagrams.Core;
using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;

namespace ZangZhiFa.Workflow.Web.Components.Admin;

/// <summary>
/// The designer's two-way mapping between a definition and its canvas: activities become <see cref="ActivityNode"/>s
/// with one port per outcome, connections become links from an outcome port to a node's in-port, and the links read
/// back as connections. Kept apart from the component so the mapping is testable without a browser.
/// </summary>
internal static class DesignerDiagram
{
    /// <summary>Adds the activities of <paramref name="definition"/> at <paramref name="positions"/>, then its connections.</summary>
    /// <returns>The nodes by activity id.</returns>
    public static Dictionary<string, ActivityNode> Add(Diagram diagram, WorkflowDefinition definition, IReadOnlyDictionary<string, Point> positions, ActivityRegistry registry)
    {
        var nodes = new Dictionary<string, ActivityNode>(StringComparer.Ordinal);
        foreach (var activity in definition.Activities)
        {
            var node = diagram.Nodes.Add(new ActivityNode(activity, positions[activity.Id]));
            node.SyncOutcomePorts(diagram, registry);
            nodes[activity.Id] = node;
        }

        foreach (var connection in definition.Connections)
        {
            if (nodes.TryGetValue(connection.From, out var from) && nodes.TryGetValue(connection.To, out var to))
            {
                diagram.Links.Add(NewLink(new SinglePortAnchor(from.PortFor(connection.Outcome)), new SinglePortAnchor(to.In), connection.Outcome));
            }
        }

        return nodes;
    }

    /// <summary>A link labelled with its outcome, arrow at the target.</summary>
    public static LinkModel NewLink(Anchor source, Anchor target, string outcome)
    {
        var link = new LinkModel(source, target) { TargetMarker = LinkMarker.Arrow };
        link.Labels.Add(new LinkLabelModel(link, outcome));
        return link;
    }

    /// <summary>The connections as drawn: every link from an outcome port to an activity, with the port's outcome.</summary>
    public static List<ConnectionDefinition> Connections(Diagram diagram) =>
    [
        .. diagram.Links.OfType<LinkModel>()
            .Where(l => l.Source is SinglePortAnchor { Port: OutcomePort } && l.Target is SinglePortAnchor { Port.Parent: ActivityNode })
            .Select(l =>
            {
                var port = (OutcomePort)((SinglePortAnchor)l.Source).Port;
                return new ConnectionDefinition
                {
                    From = ((ActivityNode)port.Parent).Activity.Id,
                    Outcome = port.Outcome,
                    To = ((ActivityNode)((SinglePortAnchor)l.Target).Port.Parent).Activity.Id,
                };
            }),
    ];
}
