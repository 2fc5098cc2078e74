namespace ZangZhiFa.Workflow.Infrastructure.Admin;

/// <summary>
/// A versioned text an admin saved over shipped data: a notice template (kind <see cref="Template"/>, key the
/// template id) or a year of the working calendar (kind <see cref="Calendar"/>, key the year). Rows are never
/// changed: each save adds the next version, and the newest version is the one in use, over the file.
/// </summary>
public sealed class AdminContent
{
    public const string Template = "template";
    public const string Calendar = "calendar";

    public long Id { get; set; }

    public string Kind { get; set; } = "";

    public string Key { get; set; } = "";

    public int Version { get; set; }

    public string Text { get; set; } = "";

    public string SavedBy { get; set; } = "";

    public DateTimeOffset SavedAt { get; set; }
}
