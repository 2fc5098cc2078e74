using Blazor.Diagrams.Core;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Web.Features.Admin;

namespace ZangZhiFa.Workflow.Web.Components.Admin;

/// <summary>
/// A node of the designer canvas: one activity of the definition, with the validator's findings on it. Links
/// arrive at <see cref="In"/>; every outcome the activity can complete with has its own <see cref="OutcomePort"/>
/// on the right, so connecting is dragging from the outcome to the next node and the link carries that outcome.
/// </summary>
public sealed class ActivityNode : NodeModel
{
    /// <summary>The outcomes the properties gave at the last <see cref="SyncOutcomePorts"/>, to tell a rename from a removal.</summary>
    private IReadOnlyList<string> _outcomes = [];

    public ActivityNode(ActivityDefinition activity, Point position)
        : base(activity.Id, position)
    {
        Activity = activity;
        Title = activity.Title ?? activity.Id;
        In = AddPort(new InPort(this));
    }

    public ActivityDefinition Activity { get; }

    /// <summary>Where links arrive.</summary>
    public PortModel In { get; }

    /// <summary>The outcome ports, top to bottom.</summary>
    public IEnumerable<OutcomePort> OutcomePorts => Ports.OfType<OutcomePort>();

    public IReadOnlyList<DefinitionError> Errors { get; set; } = [];

    /// <summary>The port for <paramref name="outcome"/>, added when missing (a loaded connection may name an outcome the properties no longer give).</summary>
    public OutcomePort PortFor(string outcome) =>
        OutcomePorts.FirstOrDefault(p => p.Outcome == outcome) ?? (OutcomePort)AddPort(new OutcomePort(this, outcome));

    /// <summary>
    /// Makes the ports match the outcomes the activity's properties give now, compared with what they gave at the
    /// last sync: an outcome renamed in place (same count of outcomes gone and come, paired in order) keeps its
    /// port and links under the new name, so the connection follows the rename; a removed outcome takes its port
    /// and the links leaving it off <paramref name="diagram"/>; a new outcome gets a port. A port whose outcome the
    /// properties never gave (a loaded connection naming an unknown outcome) stays while a link still leaves it, so
    /// the validator can say which connection no longer fits. Properties that cannot be read (raw JSON half typed)
    /// change nothing, so a slip does not cost the node its connections.
    /// </summary>
    /// <returns>Whether a port was added, renamed or removed.</returns>
    public bool SyncOutcomePorts(Diagram diagram, ActivityRegistry registry)
    {
        IReadOnlyList<string> outcomes = [];
        IActivity? type = null;
        if (registry.TryGet(Activity.Type, out type))
        {
            if (!type.CanReadProperties(Activity))
            {
                return false;
            }

            outcomes = type.GetOutcomes(Activity);
        }

        var gone = _outcomes.Except(outcomes, StringComparer.Ordinal).ToList();
        var come = outcomes.Except(_outcomes, StringComparer.Ordinal).ToList();
        _outcomes = outcomes;
        var changed = false;
        if (gone.Count == come.Count)
        {
            foreach (var (from, to) in gone.Zip(come))
            {
                if (OutcomePorts.FirstOrDefault(p => p.Outcome == from) is { } port && OutcomePorts.All(p => p.Outcome != to))
                {
                    port.Rename(to);
                    changed = true;
                }

                // What else in the node names the outcome (a field required for it) follows too.
                type?.RenameOutcome(Activity, from, to);
            }
        }

        foreach (var outcome in outcomes.Where(o => OutcomePorts.All(p => p.Outcome != o)))
        {
            AddPort(new OutcomePort(this, outcome));
            changed = true;
        }

        foreach (var removed in OutcomePorts.Where(p => !outcomes.Contains(p.Outcome) && (p.Links.Count == 0 || gone.Contains(p.Outcome))).ToList())
        {
            foreach (var link in removed.Links.ToList())
            {
                diagram.Links.Remove(link);
            }

            RemovePort(removed);
            changed = true;
        }

        if (changed)
        {
            // Rows moved inside the node: every port measures itself again, and the links follow.
            ReinitializePorts();
        }

        return changed;
    }

    /// <summary>A short sign per activity type, so a flow reads at a glance.</summary>
    public string Icon => IconOf(Activity.Type);

    public static string IconOf(string type) => type switch
    {
        "Start" => "▶",
        "End" => "■",
        "HumanTask" => "👤",
        "Decision" => "◆",
        "SetVariables" => "≔",
        "SendNotice" => "✉",
        "Timer" => "⏱",
        "Escalate" => "⬆",
        "ExtendDeadline" => "⏩",
        "Fork" => "⑂",
        "Join" => "⑃",
        "StartSubflow" => "↳",
        "RuleCheck" => "✓",
        "Invoke" => "⚙",
        "Signal" => "⚑",
        _ => "•",
    };
}

/// <summary>The left port of a node, where connections arrive.</summary>
public sealed class InPort(ActivityNode parent) : PortModel(parent, PortAlignment.Left)
{
    public override bool CanAttachTo(ILinkable other) => false;
}

/// <summary>A right port for one outcome; a link dragged from it may end on another node (or its in-port).</summary>
public sealed class OutcomePort(ActivityNode parent, string outcome) : PortModel(parent, PortAlignment.Right)
{
    /// <summary>The outcome; the connections leaving this port carry it.</summary>
    public string Outcome { get; private set; } = outcome;

    /// <summary>The outcome was renamed in the properties: the port and its links (and their labels) take the new name.</summary>
    internal void Rename(string outcome)
    {
        Outcome = outcome;
        foreach (var link in Links)
        {
            foreach (var label in link.Labels)
            {
                label.Content = outcome;
            }

            link.Refresh();
        }
    }

    public override bool CanAttachTo(ILinkable other) => other switch
    {
        ActivityNode node => node != Parent,
        PortModel port => port.Parent != Parent,
        _ => false,
    };
}
