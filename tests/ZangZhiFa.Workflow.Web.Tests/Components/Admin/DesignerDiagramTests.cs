using System.Text.Json.Nodes;
using Blazor.Diagrams;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Expressions;
using ZangZhiFa.Workflow.Engine.Tests.Support;
using ZangZhiFa.Workflow.Web.Components.Admin;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Admin;

/// <summary>
/// The designer's definition ↔ canvas sync without a browser (issue 6): complaint-intake on a diagram, an outcome
/// edited in the node's properties the way the typed editors write them, the ports synced as the designer does after
/// every edit, and the canvas read back as connections, as 导出 JSON and 保存草稿 read it.
/// </summary>
public sealed class DesignerDiagramTests
{
    private readonly ActivityRegistry _registry = ActivityRegistry.CreateDefault();
    private readonly BlazorDiagram _diagram = new();
    private readonly WorkflowDefinition _definition;
    private readonly Dictionary<string, ActivityNode> _nodes;

    public DesignerDiagramTests()
    {
        _definition = WorkflowDefinitionSerializer.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-intake.json")), "complaint-intake.json");
        _nodes = DesignerDiagram.Add(_diagram, _definition, _definition.Activities.ToDictionary(a => a.Id, a => new Point(a.Position?.X ?? 0, a.Position?.Y ?? 0)), _registry);
    }

    [Fact]
    public void SyncOutcomePorts_RenamesThePortAndKeepsItsConnection_WhenATaskOutcomeIsRenamed()
    {
        var acceptance = _nodes["acceptance"];
        var links = _diagram.Links.Count;

        acceptance.Activity.Properties["outcomes"] = Strings("予以受理", "不予受理", "转办");
        acceptance.SyncOutcomePorts(_diagram, _registry).Should().BeTrue();

        acceptance.OutcomePorts.Select(p => p.Outcome).Should().Equal(["予以受理", "不予受理", "转办", "超期"], "the renamed port keeps its place, and no port is left for the old name");
        _diagram.Links.Count.Should().Be(links);
        From("acceptance").Should().BeEquivalentTo("acceptance --予以受理--> accepted", "acceptance --不予受理--> notify_rejected", "acceptance --转办--> notify_transferred", "acceptance --超期--> escalate_acceptance");
        var moved = acceptance.OutcomePorts.Single(p => p.Outcome == "予以受理").Links.Should().ContainSingle().Subject;
        moved.Labels.Select(l => l.Content).Should().Equal("予以受理");
        Validate().Should().BeEmpty("the renamed outcome still has exactly one connection");
    }

    [Fact]
    public void SyncOutcomePorts_RenamesTheOutcomeInTheFieldsRequiredForIt_WhenATaskOutcomeIsRenamed()
    {
        var acceptance = _nodes["acceptance"];

        acceptance.Activity.Properties["outcomes"] = Strings("受理", "驳回", "转办");
        acceptance.SyncOutcomePorts(_diagram, _registry);

        var reason = acceptance.Activity.Properties["form"]!.AsArray().Single(f => (string?)f!["name"] == "reason")!;
        reason["requiredFor"]!.AsArray().Select(o => (string?)o).Should().Equal(["驳回"], "the reason stays required when the refusal is renamed");
        From("acceptance").Should().Contain("acceptance --驳回--> notify_rejected");
        Validate().Should().BeEmpty("no field is left required for an outcome the task no longer has");
    }

    [Fact]
    public void SyncOutcomePorts_RenamesTheConditionOfferingTheOutcome_WhenItIsRenamed()
    {
        var investigation = _nodes.Values.Single(n => n.Activity.Properties["offerWhen"] is JsonObject o && o.ContainsKey("申请延期"));
        var outcomes = investigation.Activity.Properties["outcomes"]!.AsArray().Select(o => (string)o!).ToArray();

        investigation.Activity.Properties["outcomes"] = Strings([.. outcomes.Select(o => o == "申请延期" ? "延长期限" : o)]);
        investigation.SyncOutcomePorts(_diagram, _registry);

        var offerWhen = investigation.Activity.Properties["offerWhen"]!.AsObject();
        offerWhen.Select(e => e.Key).Should().Equal(["延长期限"]);
        ((string?)offerWhen["延长期限"]).Should().Be("!extensionRequested", "the condition itself is kept");
        Validate().Should().BeEmpty();
    }

    [Fact]
    public void SyncOutcomePorts_RenamesThePortAndKeepsItsConnection_WhenADecisionCaseOutcomeIsRenamed()
    {
        var check = _nodes["supervisor_check"];

        check.Activity.Properties["cases"]![0]!["outcome"] = "需邀请";
        check.SyncOutcomePorts(_diagram, _registry);
        check.Activity.Properties["otherwise"] = "无需邀请";
        check.SyncOutcomePorts(_diagram, _registry);

        check.OutcomePorts.Select(p => p.Outcome).Should().Equal("需邀请", "无需邀请");
        From("supervisor_check").Should().BeEquivalentTo("supervisor_check --需邀请--> supervisor_review", "supervisor_check --无需邀请--> decide");
        Validate().Should().BeEmpty();
    }

    [Fact]
    public void SyncOutcomePorts_RemovesThePortAndTheConnectionLeavingIt_WhenAnOutcomeIsRemoved()
    {
        var acceptance = _nodes["acceptance"];
        var links = _diagram.Links.Count;

        acceptance.Activity.Properties["outcomes"] = Strings("受理", "转办");
        acceptance.SyncOutcomePorts(_diagram, _registry);
        acceptance.Activity.Properties.Remove("deadline");
        acceptance.SyncOutcomePorts(_diagram, _registry);

        acceptance.OutcomePorts.Select(p => p.Outcome).Should().Equal("受理", "转办");
        _diagram.Links.Count.Should().Be(links - 2);
        _diagram.Links.Should().OnlyContain(l => l.Source.Model is PortModel && ((PortModel)l.Source.Model).Parent.Ports.Contains(l.Source.Model), "no link is left hanging from a removed port");
        From("acceptance").Should().BeEquivalentTo("acceptance --受理--> accepted", "acceptance --转办--> notify_transferred");
    }

    [Fact]
    public void SyncOutcomePorts_AddsAnUnconnectedPort_WhenAnOutcomeIsAdded()
    {
        var acceptance = _nodes["acceptance"];

        acceptance.Activity.Properties["outcomes"] = Strings("受理", "不予受理", "转办", "补正");
        acceptance.SyncOutcomePorts(_diagram, _registry);

        acceptance.OutcomePorts.Select(p => p.Outcome).Should().BeEquivalentTo("受理", "不予受理", "转办", "超期", "补正");
        acceptance.OutcomePorts.Single(p => p.Outcome == "补正").Links.Should().BeEmpty();
        From("acceptance").Should().HaveCount(4);
        Validate().Should().ContainSingle(e => e.ActivityId == "acceptance" && e.Message.Contains("补正"), "the new outcome has nowhere to go yet");
    }

    [Fact]
    public void SyncOutcomePorts_KeepsEveryPortAndConnection_WhenThePropertiesCannotBeRead()
    {
        var acceptance = _nodes["acceptance"];

        // Half-typed raw JSON that parses but does not fit the task's properties.
        acceptance.Activity.Properties["outcomes"] = 3;
        acceptance.SyncOutcomePorts(_diagram, _registry).Should().BeFalse();
        acceptance.Activity.Properties["outcomes"] = Strings("受理", "不予受理", "转办");
        acceptance.SyncOutcomePorts(_diagram, _registry);

        acceptance.OutcomePorts.Select(p => p.Outcome).Should().Equal("受理", "不予受理", "转办", "超期");
        From("acceptance").Should().HaveCount(4);
    }

    [Fact]
    public void SyncOutcomePorts_KeepsAConnectedPortForAnOutcomeTheTaskNeverHad_WhenAnotherOutcomeIsEdited()
    {
        // A loaded connection naming an outcome the properties do not give: its port stays so the validator can name it.
        _definition.Connections.Add(new ConnectionDefinition { From = "decide", Outcome = "撤回", To = "notify_reply" });
        var diagram = new BlazorDiagram();
        var decide = DesignerDiagram.Add(diagram, _definition, _definition.Activities.ToDictionary(a => a.Id, _ => new Point(0, 0)), _registry)["decide"];

        decide.Activity.Properties["outcomes"] = Strings("属实", "部分属实", "不属实", "补充调查");
        decide.SyncOutcomePorts(diagram, _registry);

        decide.OutcomePorts.Select(p => p.Outcome).Should().Contain(["撤回", "补充调查"]);
        DesignerDiagram.Connections(diagram).Should().Contain(c => c.From == "decide" && c.Outcome == "撤回");
    }

    private static JsonArray Strings(params string[] values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];

    private IEnumerable<string> From(string activityId) =>
        DesignerDiagram.Connections(_diagram).Where(c => c.From == activityId).Select(c => c.ToString());

    private IReadOnlyList<ValidationError> Validate()
    {
        var definition = WorkflowDefinitionSerializer.Deserialize(WorkflowDefinitionSerializer.Serialize(_definition), "complaint-intake.json");
        definition.Connections = DesignerDiagram.Connections(_diagram);
        return new WorkflowValidator(_registry, new ScriptEngine(), notices: null).Validate(definition, knownDefinitions: new HashSet<string>(StringComparer.Ordinal) { "complaint-intake", "accountability", "supervisor-assignment" });
    }
}
