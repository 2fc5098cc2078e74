using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ZangZhiFa.Workflow.Web.Features.Complaints;

namespace ZangZhiFa.Workflow.Web.Components.Public;

/// <summary>
/// The complaint form as posted. Checking is left entirely to <see cref="SubmitComplaint.Handler"/>, so the form
/// and the API accept and refuse exactly the same things.
/// </summary>
public sealed partial class ComplaintInput
{
    /// <summary>
    /// Random token rendered into the form and used as the idempotency key: a double click or a resubmitted
    /// page carries the same token and so returns the first complaint instead of filing a second.
    /// </summary>
    public string? Token { get; set; }

    public bool Anonymous { get; set; }

    public string? ComplainantName { get; set; }

    public string? IdType { get; set; }

    public string? IdNumber { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public string? Address { get; set; }

    public bool Enterprise { get; set; }

    public string? RespondentUnitCode { get; set; }

    public string? RespondentOfficer { get; set; }

    public string? Category { get; set; }

    public string? OccurredAt { get; set; }

    public string? Location { get; set; }

    public string? Description { get; set; }

    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Only tokens this form could have issued; a forged value cannot reach keys other clients chose.</summary>
    public bool HasValidToken => Token is not null && TokenPattern().IsMatch(Token);

    /// <summary>The idempotency key for the handler; form keys live in their own <c>form-</c> namespace.</summary>
    public string? IdempotencyKey => HasValidToken ? $"form-{Token}" : null;

    public SubmitComplaint.Request ToRequest(string language) => new()
    {
        Anonymous = Anonymous,
        ComplainantName = ComplainantName,
        IdType = IdType,
        IdNumber = IdNumber,
        Phone = Phone,
        Email = Email,
        Address = Address,
        Enterprise = Enterprise,
        RespondentUnitCode = RespondentUnitCode,
        RespondentOfficer = RespondentOfficer,
        Category = Category,
        OccurredAt = OccurredAt,
        Location = Location,
        Description = Description,
        Language = language,
    };

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TokenPattern();
}
