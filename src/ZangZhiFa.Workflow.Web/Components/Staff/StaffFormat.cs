namespace ZangZhiFa.Workflow.Web.Components.Staff;

/// <summary>How the staff pages write times and links: Beijing time (+08:00), the zone all units in Tibet work in.</summary>
public static class StaffFormat
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static string Time(DateTimeOffset? at) =>
        at is { } value ? value.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "—";

    /// <summary>
    /// A deadline. A limit in days ends at the close of its last day, stored as the next midnight, which
    /// <see cref="Time"/> would show as the following day at 00:00; it reads as that last day at 24:00.
    /// </summary>
    public static string Due(DateTimeOffset? due)
    {
        if (due is not { } value)
        {
            return "—";
        }

        var local = value.ToOffset(Beijing);
        return local.TimeOfDay == TimeSpan.Zero
            ? local.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + " 24:00"
            : Time(value);
    }

    /// <summary>Only a path on this site may be a redirect target after sign-in (no open redirect).</summary>
    public static string LocalOr(string? returnUrl, string fallback) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : fallback;

    /// <summary>A file size as people read it: 312 KB, 4.2 MB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0} KB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MB",
    };
}
