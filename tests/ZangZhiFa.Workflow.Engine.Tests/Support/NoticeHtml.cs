using System.Text.RegularExpressions;

namespace ZangZhiFa.Workflow.Engine.Tests.Support;

/// <summary>Reads parts of a rendered notice the tests assert on.</summary>
public static partial class NoticeHtml
{
    /// <summary>The 发文机关标志 the layout prints in red at the top of an official document.</summary>
    public static string IssuerOf(string html) => IssuerMark().Match(html).Groups[1].Value;

    [GeneratedRegex("<div class=\"issuer-mark\">(.*?)</div>")]
    private static partial Regex IssuerMark();
}
