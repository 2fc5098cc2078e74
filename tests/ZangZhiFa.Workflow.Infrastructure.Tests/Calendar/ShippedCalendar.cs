using ZangZhiFa.Workflow.Infrastructure.Calendar;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Calendar;

/// <summary>The real <c>calendar/</c> folder at the repository root, loaded once for all tests.</summary>
internal static class ShippedCalendar
{
    public static string Folder { get; } = Path.Combine(FindRepositoryRoot(), "calendar");

    private static readonly Lazy<WorkingCalendar> Loaded = new(() => WorkingCalendarLoader.Load(Folder));

    public static WorkingCalendar Instance => Loaded.Value;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZangZhiFa.Workflow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ZangZhiFa.Workflow.sln not found above {AppContext.BaseDirectory}");
    }
}
