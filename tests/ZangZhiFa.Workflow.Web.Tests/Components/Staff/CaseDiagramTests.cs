using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Web.Components.Staff;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Staff;

/// <summary>The case page's flow diagram over every shipped flow: arrows named by outcome, labels clear of the boxes.</summary>
public sealed class CaseDiagramTests
{
    public static TheoryData<string> ShippedFlows() =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "workflows"), "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .OfType<string>()];

    private static WorkflowDefinition Load(string file) =>
        WorkflowDefinitionSerializer.Deserialize(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", file)), file);

    [Theory]
    [MemberData(nameof(ShippedFlows))]
    public void From_LabelsEveryArrowThatIsAChoice_InChinese(string file)
    {
        var definition = Load(file);
        var placed = definition.Activities.Where(a => a.Position is not null).Select(a => a.Id).ToHashSet();

        var diagram = CaseDiagram.From(definition, new HashSet<string>());

        if (diagram is null)
        {
            placed.Should().BeEmpty();
            return;
        }

        var labels = diagram.Lines.SelectMany(l => l.Label.Split('、')).Where(l => l.Length > 0).ToList();
        var choices = definition.Connections.Where(c => placed.Contains(c.From) && placed.Contains(c.To) && c.From != c.To && c.Outcome != "done").ToList();
        labels.Should().HaveCount(choices.Select(c => (c.From, c.To, c.Outcome)).Distinct().Count(), "one label per outcome drawn");
        labels.Should().OnlyContain(l => l.Any(ch => ch > 0x2E80), "outcome names are shown in Chinese, not as engine codes");
        foreach (var outcome in choices.Select(c => c.Outcome).Where(o => o.Any(ch => ch > 0x2E80)))
        {
            labels.Should().Contain(outcome);
        }
    }

    [Theory]
    [MemberData(nameof(ShippedFlows))]
    public void From_KeepsArrowEndsAndLabelsOutOfTheBoxes(string file)
    {
        var diagram = CaseDiagram.From(Load(file), new HashSet<string>());
        if (diagram is null)
        {
            return;
        }

        foreach (var line in diagram.Lines)
        {
            // A long arrow may cross a third step (straight lines, no routing); its own ends must be outside its boxes.
            var ends = diagram.Boxes.Where(b => Inside(b, line.X1, line.Y1) || Inside(b, line.X2, line.Y2)).Select(b => b.Id).ToList();
            ends.Should().NotContain([line.From, line.To], "an arrow starts and ends at a box edge, its head visible");
            if (line.Label.Length > 0)
            {
                diagram.Boxes.Should().NotContain(b => Inside(b, line.LabelX, line.LabelY), $"the label “{line.Label}” sits between the boxes");
            }
        }
    }

    private static bool Inside(CaseDiagram.Box box, double x, double y) =>
        x > box.X + 1 && x < box.X + CaseDiagram.BoxWidth - 1 && y > box.Y + 1 && y < box.Y + CaseDiagram.BoxHeight - 1;
}
