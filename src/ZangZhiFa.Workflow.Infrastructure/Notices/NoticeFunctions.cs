using System.Collections;
using System.Globalization;
using Scriban.Runtime;

namespace ZangZhiFa.Workflow.Infrastructure.Notices;

/// <summary>
/// Functions notice templates get on top of the sandbox's builtins — <c>zh.date</c>, <c>zh.datetime</c>,
/// <c>zh.present</c>, <c>zh.clause</c> — and HTML functions adjusted to the auto-escaping output.
/// </summary>
internal static class NoticeFunctions
{
    private static readonly char[] ClauseEndings = ['。', '．', '.', '；', ';', '，', ',', '、', '！', '!', '：', ':', ' ', '\t', '\r', '\n', '\u3000'];

    public static void Register(ScriptObject builtins, TimeSpan utcOffset)
    {
        var zh = new ScriptObject();
        zh.Import("date", new Func<object?, string?>(value => FormatDate(value, utcOffset, withTime: false)));
        zh.Import("datetime", new Func<object?, string?>(value => FormatDate(value, utcOffset, withTime: true)));
        zh.Import("present", new Func<object?, bool>(IsPresent));
        zh.Import("clause", new Func<object?, string?>(Clause));
        builtins.SetValue("zh", zh, true);

        if (builtins["html"] is ScriptObject html)
        {
            // Output is escaped exactly once already; a habitual `| html.escape` must not escape it twice.
            html.Remove("escape");
            html.Import("escape", new Func<object?, object?>(value => value));

            // Escapes first, then adds the line breaks as markup the output passes through.
            html.Remove("newline_to_br");
            html.Import("newline_to_br", new Func<object?, TrustedHtml?>(value => value is null
                ? null
                : new TrustedHtml(string.Join("<br />\n", (Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")
                    .ReplaceLineEndings("\n")
                    .Split('\n')
                    .Select(HtmlTemplateContext.Encode)))));
        }
    }

    /// <summary>
    /// 2026年3月2日 (GB/T 9704: Arabic numerals, no leading zeros). A timestamp with an offset is shown in the
    /// region's time first — task results carry UTC, and 07:00 in Lhasa is still the previous day in UTC.
    /// A date without time is taken as written; anything unparseable (e.g. already 2026年3月2日) is returned as is.
    /// </summary>
    internal static string? FormatDate(object? value, TimeSpan utcOffset, bool withTime)
    {
        switch (value)
        {
            case null:
                return null;
            case DateTimeOffset dto:
                return Format(dto.ToOffset(utcOffset).DateTime, withTime);
            case DateTime dt when dt.Kind == DateTimeKind.Utc:
                return Format(new DateTimeOffset(dt).ToOffset(utcOffset).DateTime, withTime);
            case DateTime dt:
                return Format(dt, withTime);
            case string s when string.IsNullOrWhiteSpace(s):
                return null;
            case string s:
                var text = s.Trim();
                if (!IsIsoDate(text))
                {
                    // Already formatted (2026年3月9日, as Escalate hands over newDueAt) or free text: keep it.
                    return s;
                }

                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return Format(date.ToDateTime(TimeOnly.MinValue), withTime: false);
                }

                if (HasOffset(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
                {
                    return Format(withOffset.ToOffset(utcOffset).DateTime, withTime);
                }

                if (!HasOffset(text) && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                {
                    return Format(local, withTime);
                }

                return s;
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>True for a value worth printing: not null, not blank text, not an empty list or object.</summary>
    internal static bool IsPresent(object? value) => value switch
    {
        null => false,
        string s => !string.IsNullOrWhiteSpace(s),
        IDictionary dictionary => dictionary.Count > 0, // ScriptObject too
        IEnumerable items => items.Cast<object?>().Any(IsPresent),
        _ => true,
    };

    /// <summary>
    /// Free text from a form, made to sit inside a sentence the template finishes: trimmed, trailing punctuation
    /// dropped, so “经审查，{{ zh.clause(reason) }}。” never ends in “。。”.
    /// </summary>
    internal static string? Clause(object? value)
    {
        var text = value switch
        {
            null => null,
            string s => s,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
        return text?.Trim().TrimEnd(ClauseEndings).TrimEnd();
    }

    private static string Format(DateTime value, bool withTime) => withTime
        ? string.Create(CultureInfo.InvariantCulture, $"{value.Year}年{value.Month}月{value.Day}日 {value:HH:mm}")
        : string.Create(CultureInfo.InvariantCulture, $"{value.Year}年{value.Month}月{value.Day}日");

    private static bool IsIsoDate(string text) =>
        text.Length >= 10 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1]) && char.IsAsciiDigit(text[2])
        && char.IsAsciiDigit(text[3]) && text[4] == '-' && char.IsAsciiDigit(text[5]) && char.IsAsciiDigit(text[6])
        && text[7] == '-' && char.IsAsciiDigit(text[8]) && char.IsAsciiDigit(text[9]);

    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            return true;
        }

        // …+08:00 / …-0500 after a time part.
        var timeAt = text.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        if (timeAt < 0)
        {
            timeAt = text.IndexOf(' ', StringComparison.Ordinal);
        }

        return timeAt > 0 && text.AsSpan(timeAt).IndexOfAny('+', '-') > 0;
    }
}
