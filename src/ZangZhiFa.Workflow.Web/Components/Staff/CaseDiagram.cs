using System.Globalization;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Web.Features.Cases;

namespace ZangZhiFa.Workflow.Web.Components.Staff;

/// <summary>
/// The flow drawn from the positions the designer stored on each activity, with the activities that have open
/// tasks marked current. Activities without a position are left out rather than guessed. Arrows run from box edge
/// to box edge (not centre to centre, which hid their heads under the boxes) and carry their outcome in Chinese
/// half-way along; several outcomes between the same two steps share one arrow and one label (受理、转办).
/// The page draws it at its own size in a scrolling box: shrunk to the page width, a 40-step flow's text is unreadable.
/// </summary>
public sealed record CaseDiagram(IReadOnlyList<CaseDiagram.Box> Boxes, IReadOnlyList<CaseDiagram.Line> Lines, string ViewBox, double Width, double Height)
{
    public const double BoxWidth = 140;
    public const double BoxHeight = 40;

    /// <summary>
    /// The designer lays steps out 120 apart across (its nodes are narrower); the case page's boxes hold longer titles,
    /// so the layout is widened to leave a gap between neighbours where the arrow and its label can be seen.
    /// </summary>
    private const double ScaleX = 1.5;

    /// <summary>Space left between an arrow's ends and the boxes, so the arrowhead is seen whole.</summary>
    private const double Gap = 4;

    public sealed record Box(string Id, string Title, double X, double Y, bool Current);

    /// <summary>An arrow; <see cref="Label"/> is empty for a plain "then" (<c>done</c>).</summary>
    public sealed record Line(string From, string To, double X1, double Y1, double X2, double Y2, string Label)
    {
        public double LabelX => Math.Round((X1 + X2) / 2, 1);

        /// <summary>Just above the middle of the arrow, so the text does not sit on the line.</summary>
        public double LabelY => Math.Round(((Y1 + Y2) / 2) - 4, 1);
    }

    public static CaseDiagram? From(WorkflowDefinition definition, IReadOnlySet<string> current)
    {
        var boxes = definition.Activities.Where(a => a.Position is not null)
            .Select(a => new Box(a.Id, a.Title ?? a.Id, a.Position!.X * ScaleX, a.Position.Y, current.Contains(a.Id)))
            .ToList();
        if (boxes.Count == 0)
        {
            return null;
        }

        var byId = boxes.ToDictionary(b => b.Id);
        var lines = definition.Connections
            .Where(c => byId.ContainsKey(c.From) && byId.ContainsKey(c.To) && c.From != c.To)
            .GroupBy(c => (c.From, c.To))
            .Select(g => Arrow(byId[g.Key.From], byId[g.Key.To], string.Join("、", g.Select(c => JournalText.Outcome(c.Outcome)).Where(o => o.Length > 0).Distinct())))
            .ToList();
        var minX = boxes.Min(b => b.X) - 10;
        var minY = boxes.Min(b => b.Y) - 10;
        var width = boxes.Max(b => b.X) + BoxWidth + 10 - minX;
        var height = boxes.Max(b => b.Y) + BoxHeight + 10 - minY;
        var viewBox = string.Join(' ', new[] { minX, minY, width, height }.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        return new CaseDiagram(boxes, lines, viewBox, width, height);
    }

    /// <summary>The segment between the two centres, cut where it leaves the first box and enters the second.</summary>
    private static Line Arrow(Box from, Box to, string label)
    {
        double cx1 = from.X + (BoxWidth / 2), cy1 = from.Y + (BoxHeight / 2);
        double cx2 = to.X + (BoxWidth / 2), cy2 = to.Y + (BoxHeight / 2);
        double dx = cx2 - cx1, dy = cy2 - cy1;
        // Fraction of the centre-to-centre vector that lies inside one box (boxes are the same size).
        var inside = Math.Min(dx == 0 ? double.MaxValue : (BoxWidth / 2) / Math.Abs(dx), dy == 0 ? double.MaxValue : (BoxHeight / 2) / Math.Abs(dy));
        var length = Math.Sqrt((dx * dx) + (dy * dy));
        var cut = Math.Min(inside + (Gap / length), 0.5);
        return new Line(from.Id, to.Id, Math.Round(cx1 + (dx * cut), 1), Math.Round(cy1 + (dy * cut), 1), Math.Round(cx2 - (dx * cut), 1), Math.Round(cy2 - (dy * cut), 1), label);
    }
}
