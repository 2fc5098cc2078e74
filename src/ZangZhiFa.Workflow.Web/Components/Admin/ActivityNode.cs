using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Web.Features.Admin;

namespace ZangZhiFa.Workflow.Web.Components.Admin;

/// <summary>A node of the designer canvas: one activity of the definition, with the validator's findings on it.</summary>
public sealed class ActivityNode : NodeModel
{
    public ActivityNode(ActivityDefinition activity, Point position)
        : base(activity.Id, position)
    {
        Activity = activity;
        Title = activity.Title ?? activity.Id;
        In = AddPort(PortAlignment.Left);
        Out = AddPort(PortAlignment.Right);
    }

    public ActivityDefinition Activity { get; }

    /// <summary>Where links arrive.</summary>
    public PortModel In { get; }

    /// <summary>Where outcome links leave; drag from here to connect.</summary>
    public PortModel Out { get; }

    public IReadOnlyList<DefinitionError> Errors { get; set; } = [];

    /// <summary>A short sign per activity type, so a flow reads at a glance.</summary>
    public string Icon => Activity.Type switch
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
