using System.Globalization;
using System.Text;

namespace ZangZhiFa.Workflow.Web.Features.Attachments;

/// <summary>
/// The name a complainant's file is listed under. It is display text only (the file on disk is named by its
/// hash), but staff download it under this name, so path parts, control and bidi-override characters (which can
/// disguise <c>exe.pdf</c> as <c>fdp.exe</c>) and characters Windows refuses are taken out.
/// </summary>
public static class FileNames
{
    private const string Forbidden = "<>:\"|?*";

    /// <summary>The cleaned name, or null when nothing usable is left.</summary>
    public static string? Sanitise(string? raw, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        // Both separators: a Windows browser may send "C:\Users\me\a.pdf", a forger "../../etc/passwd".
        var normalised = raw.Replace('\\', '/');
        var lastPart = normalised[(normalised.LastIndexOf('/') + 1)..];
        var kept = new StringBuilder(lastPart.Length);
        foreach (var ch in lastPart)
        {
            var category = char.GetUnicodeCategory(ch);
            if (!char.IsControl(ch) && category != UnicodeCategory.Format && !Forbidden.Contains(ch, StringComparison.Ordinal))
            {
                kept.Append(ch);
            }
        }

        // Leading dots make hidden files and ".." on some systems; trailing dots and spaces are dropped by Windows.
        var name = kept.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (name.Length > maxLength)
        {
            var extension = Path.GetExtension(name);
            extension = extension.Length <= maxLength / 2 ? extension : "";
            var stem = name[..(maxLength - extension.Length)];
            if (stem.Length > 0 && char.IsHighSurrogate(stem[^1]))
            {
                stem = stem[..^1];
            }

            name = stem.TrimEnd('.', ' ') + extension;
        }

        return name.Length == 0 ? null : name;
    }
}
