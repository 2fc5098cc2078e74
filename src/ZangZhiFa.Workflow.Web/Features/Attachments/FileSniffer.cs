using System.IO.Compression;

namespace ZangZhiFa.Workflow.Web.Features.Attachments;

/// <summary>
/// Decides what a file is from its first bytes (magic numbers), not from the name the client sent: a program
/// renamed <c>.pdf</c> is still refused. The extension must then be one the content allows, so the name shown to
/// staff never disguises the type.
/// </summary>
public static class FileSniffer
{
    /// <summary>Accepted extensions and the media type each is served with.</summary>
    public static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".png"] = "image/png",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".pdf"] = "application/pdf",
        [".doc"] = "application/msword",
        [".xls"] = "application/vnd.ms-excel",
        [".ppt"] = "application/vnd.ms-powerpoint",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    };

    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Gif87 = "GIF87a"u8.ToArray();
    private static readonly byte[] Gif89 = "GIF89a"u8.ToArray();
    private static readonly byte[] Riff = "RIFF"u8.ToArray();
    private static readonly byte[] WebP = "WEBP"u8.ToArray();
    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();

    // OLE compound file: the container of legacy .doc/.xls/.ppt, but also of .msi installers; the application's
    // main stream name (UTF-16 in the directory) tells which, without parsing the sector chains.
    private static readonly byte[] Ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly (string Extension, string[] Streams)[] OleStreams =
    [
        (".doc", ["WordDocument"]),
        (".xls", ["Workbook", "Book"]),
        (".ppt", ["PowerPoint Document"]),
    ];
    private static readonly byte[] Zip = [0x50, 0x4B, 0x03, 0x04];

    /// <summary>The extensions <paramref name="content"/> may carry; empty when it is no accepted type.</summary>
    public static IReadOnlyList<string> ExtensionsFor(Stream content)
    {
        Span<byte> head = stackalloc byte[16];
        content.Position = 0;
        var read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        if (head.StartsWith(Jpeg))
        {
            return [".jpg", ".jpeg"];
        }

        if (head.StartsWith(Png))
        {
            return [".png"];
        }

        if (head.StartsWith(Gif87) || head.StartsWith(Gif89))
        {
            return [".gif"];
        }

        if (head.StartsWith(Riff) && head.Length >= 12 && head[8..12].SequenceEqual(WebP))
        {
            return [".webp"];
        }

        if (head.StartsWith(Pdf))
        {
            return [".pdf"];
        }

        if (head.StartsWith(Ole))
        {
            return OleDocument(content);
        }

        return head.StartsWith(Zip) ? OfficeOpenXml(content) : [];
    }

    /// <summary>The office applications whose main stream the compound file names (the caller caps the size).</summary>
    private static string[] OleDocument(Stream content)
    {
        var bytes = new byte[content.Length];
        content.Position = 0;
        content.ReadExactly(bytes);
        return [.. OleStreams
            .Where(o => o.Streams.Any(name => bytes.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes(name + "\0")) >= 0))
            .Select(o => o.Extension)];
    }

    /// <summary>
    /// A zip is only an office document with a <c>[Content_Types].xml</c> and the parts of one application; any
    /// other zip (an archive of programs) is refused. Only the central directory is read, nothing is inflated.
    /// </summary>
    private static string[] OfficeOpenXml(Stream content)
    {
        content.Position = 0;
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            if (!names.Contains("[Content_Types].xml", StringComparer.Ordinal))
            {
                return [];
            }

            bool Has(string folder) => names.Any(n => n.StartsWith(folder, StringComparison.Ordinal));
            return Has("word/") ? [".docx"] : Has("xl/") ? [".xlsx"] : Has("ppt/") ? [".pptx"] : [];
        }
        catch (InvalidDataException)
        {
            return [];
        }
    }
}
