namespace ZangZhiFa.Workflow.Web.Features.Attachments;

/// <summary>
/// Configuration section <c>Attachments</c>: the limits on files a complainant attaches (附件). The values live in
/// appsettings.json (issue 3: at most 5 files of at most 10 MB each); the request limit leaves room for the form
/// fields and multipart framing around five full-size files.
/// </summary>
public sealed class AttachmentOptions
{
    public const string Section = "Attachments";

    public int MaxFiles { get; set; }

    public long MaxFileBytes { get; set; }

    /// <summary>Whole request body; larger requests get 413 before anything is read or stored.</summary>
    public long MaxRequestBytes { get; set; }

    /// <summary>Longest file name kept (characters); longer names are cut, keeping the extension.</summary>
    public int MaxFileNameLength { get; set; }

    /// <summary>Upload temp files older than this are left from a crash and removed at startup.</summary>
    public TimeSpan StaleTempAge { get; set; }

    /// <summary>Folder under <c>Storage:DataDirectory</c>; outside the web root so nothing there is ever served as a page.</summary>
    public string Folder { get; set; } = "attachments";

    public long MaxFileMegabytes => MaxFileBytes / (1024 * 1024);

    public long MaxRequestMegabytes => MaxRequestBytes / (1024 * 1024);

    public bool IsValid => MaxFiles > 0 && MaxFileBytes > 0 && MaxRequestBytes >= MaxFileBytes && MaxFileNameLength >= 16 && StaleTempAge > TimeSpan.Zero;
}
