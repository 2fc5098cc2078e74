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
    /// Makes the ports match the outcomes the activity's properties give now. A port whose outcome went away stays
    /// while a link still leaves it, so the validator can say which connection no longer fits.
    /// </summary>
    /// <returns>Whether a port was added or removed.</returns>
    public bool SyncOutcomePorts(ActivityRegistry registry)
    {
        var outcomes = registry.TryGet(Activity.Type, out var type) ? type.GetOutcomes(Activity) : [];
        var changed = false;
        foreach (var outcome in outcomes.Where(o => OutcomePorts.All(p => p.Outcome != o)))
        {
            AddPort(new OutcomePort(this, outcome));
            changed = true;
        }

        foreach (var stale in OutcomePorts.Where(p => !outcomes.Contains(p.Outcome) && p.Links.Count == 0).ToList())
        {
            RemovePort(stale);
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
    public string Outcome { get; } = outcome;

    public override bool CanAttachTo(ILinkable other) => other switch
    {
        ActivityNode node => node != Parent,
        PortModel port => port.Parent != Parent,
        _ => false,
    };
}
