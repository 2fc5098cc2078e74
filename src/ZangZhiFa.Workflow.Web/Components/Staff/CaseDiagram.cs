using System.Globalization;
using ZangZhiFa.Workflow.Engine.Definitions;

namespace ZangZhiFa.Workflow.Web.Components.Staff;

/// <summary>
/// The flow drawn from the positions the designer stored on each activity, with the activities that have open
/// tasks marked current. Activities without a position are left out rather than guessed.
/// </summary>
public sealed record CaseDiagram(IReadOnlyList<CaseDiagram.Box> Boxes, IReadOnlyList<CaseDiagram.Line> Lines, string ViewBox, double Width)
{
    public const double BoxWidth = 140;
    public const double BoxHeight = 40;

    public sealed record Box(string Id, string Title, double X, double Y, bool Current);

    public sealed record Line(double X1, double Y1, double X2, double Y2);

    public static CaseDiagram? From(WorkflowDefinition definition, IReadOnlySet<string> current)
    {
        var boxes = definition.Activities.Where(a => a.Position is not null)
            .Select(a => new Box(a.Id, a.Title ?? a.Id, a.Position!.X, a.Position.Y, current.Contains(a.Id)))
            .ToList();
        if (boxes.Count == 0)
        {
            return null;
        }

        var byId = boxes.ToDictionary(b => b.Id);
        var lines = definition.Connections
            .Where(c => byId.ContainsKey(c.From) && byId.ContainsKey(c.To))
            .Select(c => new Line(byId[c.From].X + BoxWidth / 2, byId[c.From].Y + BoxHeight / 2, byId[c.To].X + BoxWidth / 2, byId[c.To].Y + BoxHeight / 2))
            .ToList();
        var minX = boxes.Min(b => b.X) - 10;
        var minY = boxes.Min(b => b.Y) - 10;
        var width = boxes.Max(b => b.X) + BoxWidth + 10 - minX;
        var height = boxes.Max(b => b.Y) + BoxHeight + 10 - minY;
        var viewBox = string.Join(' ', new[] { minX, minY, width, height }.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        return new CaseDiagram(boxes, lines, viewBox, width);
    }
}
