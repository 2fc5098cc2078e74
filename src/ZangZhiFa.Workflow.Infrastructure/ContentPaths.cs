namespace ZangZhiFa.Workflow.Infrastructure;

/// <summary>
/// Configuration section <c>Paths</c>: where the data-not-code folders are. Defaults point at the copies the
/// build places beside the binaries (<c>workflows/</c>, <c>templates/</c>, <c>calendar/</c>, <c>seed/</c>).
/// </summary>
public sealed class ContentPaths
{
    public const string Section = "Paths";

    public string Workflows { get; set; } = "workflows";

    public string Templates { get; set; } = "templates";

    public string Calendar { get; set; } = "calendar";

    public string Seed { get; set; } = "seed";

    public ContentPaths Resolve(string baseDirectory) => new()
    {
        Workflows = Full(baseDirectory, Workflows),
        Templates = Full(baseDirectory, Templates),
        Calendar = Full(baseDirectory, Calendar),
        Seed = Full(baseDirectory, Seed),
    };

    private static string Full(string baseDirectory, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));
}
