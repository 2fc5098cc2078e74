using System.Net;
using System.Text.RegularExpressions;

namespace ZangZhiFa.Workflow.Infrastructure.Email;

/// <summary>
/// Turns a rendered notice into the plain-text alternative of a mail: paragraphs and line breaks kept, list items
/// bulleted, links spelled out, tags dropped, entities decoded. Deliberately crude — it serves mail clients that
/// will not show HTML, not layout fidelity.
/// </summary>
public static partial class HtmlToPlainText
{
    /// <summary>The readable text of <paramref name="html"/>; empty for blank input.</summary>
    public static string Convert(string html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return "";
        }

        var text = Invisible().Replace(html, "");
        // HTML collapses source whitespace; do the same first so only tags decide where lines break.
        text = Whitespace().Replace(text, " ");
        text = Link().Replace(text, SpellOutLink);
        text = LineBreak().Replace(text, "\n");
        text = ListItem().Replace(text, "\n• ");
        text = Paragraph().Replace(text, "\n\n");
        text = Block().Replace(text, "\n");
        text = Cell().Replace(text, " ");
        text = Tag().Replace(text, "");
        text = WebUtility.HtmlDecode(text).Replace('\u00A0', ' ');

        var lines = text.Split('\n').Select(line => SpaceRun().Replace(line, " ").Trim());
        text = string.Join('\n', lines);
        return BlankLines().Replace(text, "\n\n").Trim();
    }

    private static string SpellOutLink(Match match)
    {
        var href = match.Groups["href"].Value.Trim();
        var label = Tag().Replace(match.Groups["label"].Value, "").Trim();
        // A bare address or an in-page anchor says nothing more when repeated.
        return label.Length == 0 ? href
            : href.Length == 0 || href.StartsWith('#') || WebUtility.HtmlDecode(label) == WebUtility.HtmlDecode(href) ? label
            : $"{label} ({href})";
    }

    [GeneratedRegex(@"<!--.*?-->|<(script|style|head|title)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"<a\b[^>]*?\bhref\s*=\s*[""'](?<href>[^""']*)[""'][^>]*>(?<label>.*?)</a\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Link();

    [GeneratedRegex(@"<br\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"<li\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ListItem();

    [GeneratedRegex(@"</?(p|h[1-6]|table|ul|ol|blockquote|pre|hr)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Paragraph();

    [GeneratedRegex(@"</?(div|tr|section|article|header|footer|dl|dt|dd|caption)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Block();

    [GeneratedRegex(@"</t[dh]\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex Cell();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\f\v]+")]
    private static partial Regex SpaceRun();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
