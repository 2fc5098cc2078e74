namespace ZangZhiFa.Workflow.Infrastructure.Complaints;

/// <summary>
/// A complaint or report about enforcement conduct (投诉举报) as the public filed it. The handling itself is the
/// workflow instance (<see cref="InstanceId"/>); this row keeps what was submitted and how to find it again.
/// The complainant's identity lives only here and is shown only to roles that need it.
/// </summary>
public sealed class Complaint
{
    public Guid Id { get; set; }

    /// <summary>Public tracking number, e.g. <c>TS-2026-000123</c>.</summary>
    public string TrackingNumber { get; set; } = "";

    /// <summary>The query code, encrypted with the app's data-protection keys (replays of a submission return it again).</summary>
    public string QueryCodeProtected { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public string Category { get; set; } = "";

    public string Description { get; set; } = "";

    public string? OccurredAt { get; set; }

    public string? Location { get; set; }

    public string RespondentUnitCode { get; set; } = "";

    public string? RespondentOfficer { get; set; }

    /// <summary>The complainant is an enterprise (涉企).</summary>
    public bool Enterprise { get; set; }

    public bool Anonymous { get; set; }

    public string? ComplainantName { get; set; }

    public string? IdType { get; set; }

    public string? IdNumber { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public string? Address { get; set; }

    /// <summary>The language the complainant used (<c>zh</c> or <c>bo</c>); replies can follow it.</summary>
    public string Language { get; set; } = "zh";

    public Guid InstanceId { get; set; }

    /// <summary>Client-chosen key (header <c>Idempotency-Key</c>); the same key never creates a second complaint.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Hash of the normalised content, to fold an identical resubmission within a minute into the first.</summary>
    public string ContentHash { get; set; } = "";
}
