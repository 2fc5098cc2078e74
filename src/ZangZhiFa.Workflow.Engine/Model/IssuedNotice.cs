namespace ZangZhiFa.Workflow.Engine.Model;

/// <summary>A rendered notice (告知书、意见书、督办通知书…) stored with the case.</summary>
public sealed class IssuedNotice
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public string? CorrelationId { get; set; }

    public string TemplateId { get; set; } = "";

    public string Title { get; set; } = "";

    public string? DocumentNumber { get; set; }

    /// <summary>Who it is addressed to: <c>complainant</c>, <c>respondent</c>, an org-unit code…</summary>
    public string? Audience { get; set; }

    public string Html { get; set; } = "";

    public DateTimeOffset IssuedAt { get; set; }
}
