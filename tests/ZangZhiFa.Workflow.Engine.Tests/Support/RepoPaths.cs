namespace ZangZhiFa.Workflow.Engine.Tests.Support;

/// <summary>Finds the repository's data folders by walking up to the solution file.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Workflows => Path.Combine(Root, "workflows");

    public static string Templates => Path.Combine(Root, "templates");

    public static string Calendar => Path.Combine(Root, "calendar");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZangZhiFa.Workflow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ZangZhiFa.Workflow.sln not found above " + AppContext.BaseDirectory);
    }
}
