namespace ZangZhiFa.Workflow.Web.Components.Staff;

/// <summary>How the staff pages write times and links: Beijing time (+08:00), the zone all units in Tibet work in.</summary>
public static class StaffFormat
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static string Time(DateTimeOffset? at) =>
        at is { } value ? value.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "—";

    /// <summary>Only a path on this site may be a redirect target after sign-in (no open redirect).</summary>
    public static string LocalOr(string? returnUrl, string fallback) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : fallback;
}
