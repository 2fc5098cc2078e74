namespace ZangZhiFa.Workflow.Infrastructure.Complaints;

/// <summary>
/// A file (附件) the complainant attached to a complaint. The content lives once on disk under the data folder,
/// named by its SHA-256, so identical uploads share one file; this row keeps which complaint it belongs to and the
/// name the complainant gave it (sanitised), which is shown back but never used as a path.
/// </summary>
public sealed class ComplaintAttachment
{
    public Guid Id { get; set; }

    public Guid ComplaintId { get; set; }

    /// <summary>Position in the upload (0-based), so lists show the files in the order they were attached.</summary>
    public int Ordinal { get; set; }

    public string FileName { get; set; } = "";

    /// <summary>The media type decided from the content, not the one the client claimed.</summary>
    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    /// <summary>Lower-case hex SHA-256 of the content; also the file's name on disk.</summary>
    public string Sha256 { get; set; } = "";
}
