namespace ZangZhiFa.Workflow.Infrastructure.LegalReviews;

/// <summary>
/// A file submitted with a proposed major decision for 法制审核 (evidence, hearing record, draft decision). The
/// content lives in the attachment store under its SHA-256, shared with complaint attachments.
/// </summary>
public sealed class LegalReviewAttachment
{
    public Guid Id { get; set; }

    /// <summary>The review's case number (FS-…).</summary>
    public string CaseNumber { get; set; } = "";

    public int Ordinal { get; set; }

    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public string Sha256 { get; set; } = "";
}
