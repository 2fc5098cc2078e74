using System.Globalization;
using System.Text;

namespace ZangZhiFa.Workflow.Infrastructure.Text;

/// <summary>
/// Characters that have no place in text a person typed for an official record: control characters (a NUL is not
/// even valid in HTML) and the bidirectional embedding, override and isolate marks, which can make a name or a
/// sentence in a notice display in a different order than it was written. Line breaks and tabs stay. Zero-width
/// spaces stay too (Tibetan text may use them to mark where a line can break) but do not count as written characters.
/// </summary>
public static class PlainText
{
    /// <summary><paramref name="text"/> without control characters (other than line breaks and tabs) and bidi controls.</summary>
    public static string Strip(string text)
    {
        var span = text.AsSpan();
        var first = span.IndexOfAny(Unwanted);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(span[..first]);
        foreach (var c in span[first..])
        {
            if (!Unwanted.Contains(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>How many characters of <paramref name="text"/> show: whitespace and invisible format characters do not count.</summary>
    public static int VisibleLength(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && char.GetUnicodeCategory(c) != UnicodeCategory.Format)
            {
                count++;
            }
        }

        return count;
    }

    private static readonly System.Buffers.SearchValues<char> Unwanted = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c is not ('\t' or '\n' or '\r')).Select(c => (char)c),
         '\u007f', .. Enumerable.Range(0x80, 0x20).Select(c => (char)c),
         '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff']);
}
