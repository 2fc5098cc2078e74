using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Complaints;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>
/// Query codes: how a complainant proves a tracking number is theirs. The code is stored encrypted (so a
/// replayed submission can return it again) and compared in constant time; a wrong code and an unknown number
/// look the same to the caller.
/// </summary>
public sealed class ComplaintAccess(IDataProtectionProvider protection, WorkflowDbContext db)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: read aloud over the phone
    private readonly IDataProtector _protector = protection.CreateProtector("ZangZhiFa.Complaints.QueryCode.v1");

    /// <summary>
    /// The 司法行政部门 that supervises a respondent: for an enforcement unit, the justice bureau of its own level
    /// (its parent in the tree); for a justice bureau itself, the one above it; the root supervises itself.
    /// </summary>
    public static string SupervisingUnitCode(string respondentCode, string? respondentParentCode) => respondentParentCode ?? respondentCode;

    /// <summary>
    /// True when <paramref name="unitCode"/> is the respondent (被投诉单位) or a unit below it: their staff never open the
    /// complaint nor receive its work. The one rule the case file, the attachments and task hand-over all ask.
    /// </summary>
    public static async Task<bool> IsRespondentSideAsync(IOrgDirectory orgs, string respondentCode, string unitCode, CancellationToken cancellationToken) =>
        (await orgs.LineUpwardAsync(unitCode, int.MaxValue, cancellationToken)).Any(u => u.Code == respondentCode);

    public static string NewQueryCode() => RandomNumberGenerator.GetString(Alphabet, 8);

    public string Protect(string queryCode) => _protector.Protect(queryCode);

    public string Reveal(Complaint complaint) => _protector.Unprotect(complaint.QueryCodeProtected);

    /// <summary>The complaint when the number exists and the code matches; otherwise null, whichever was wrong.</summary>
    public async Task<Complaint?> FindAsync(string trackingNumber, string? queryCode, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(queryCode) || trackingNumber.Length > 20)
        {
            return null;
        }

        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.TrackingNumber == trackingNumber, cancellationToken);
        if (complaint is null)
        {
            return null;
        }

        var expected = Encoding.UTF8.GetBytes(Reveal(complaint));
        var given = Encoding.UTF8.GetBytes(queryCode.Trim().ToUpperInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? complaint : null;
    }
}
