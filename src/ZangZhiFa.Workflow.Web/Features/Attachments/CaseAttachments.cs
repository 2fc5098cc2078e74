using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Complaints;
using ZangZhiFa.Workflow.Infrastructure.Organization;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Cases;
using ZangZhiFa.Workflow.Web.Features.Complaints;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Attachments;

/// <summary>
/// Staff read a case's attachments: the list and each file as a download. Who may is the rule the task inbox
/// uses (own unit and every unit below it, <see cref="StaffUserContext.ScopeAsync"/>) applied to the case's
/// supervising 司法行政部门; the respondent unit and anything below it never see them, since files can reveal who
/// complained. An invited supervisor has no unit scope (<see cref="StaffUserContext.SeesAssignedCasesOnly"/>): they
/// read the files of a case drawn for them, by the case file's own rule (<see cref="CaseQueries"/>). Out of scope
/// looks the same as not there (404).
/// </summary>
public static class CaseAttachments
{
    public sealed record Item(Guid Id, string FileName, string ContentType, long Size, string Sha256);

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cases/{trackingNumber}/attachments").RequireAuthorization();

        group.MapGet("", async Task<Results<Ok<List<Item>>, NotFound>> (string trackingNumber, WorkflowDbContext db, StaffUserContext user, CancellationToken cancellationToken) =>
        {
            if (await FindInScopeAsync(db, user, trackingNumber, cancellationToken) is not { } complaint)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(await ListAsync(db, complaint.Id, cancellationToken));
        });

        group.MapGet("/{id:guid}", async Task<Results<PhysicalFileHttpResult, NotFound>> (string trackingNumber, Guid id, HttpResponse response, WorkflowDbContext db, StaffUserContext user, AttachmentStore store, CancellationToken cancellationToken) =>
        {
            if (await FindInScopeAsync(db, user, trackingNumber, cancellationToken) is not { } complaint)
            {
                return TypedResults.NotFound();
            }

            var attachment = await db.ComplaintAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.ComplaintId == complaint.Id, cancellationToken);
            var path = attachment is null ? null : store.PathOf(attachment.Sha256);
            if (attachment is null || !File.Exists(path))
            {
                return TypedResults.NotFound();
            }

            // Uploaded content is never rendered by the browser as what it claims to be: a download, not sniffed.
            response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.PhysicalFile(path, attachment.ContentType, attachment.FileName);
        });
    }

    /// <summary>A complaint's attachments in the order they were uploaded.</summary>
    public static Task<List<Item>> ListAsync(WorkflowDbContext db, Guid complaintId, CancellationToken cancellationToken) =>
        db.ComplaintAttachments.AsNoTracking()
            .Where(a => a.ComplaintId == complaintId)
            .OrderBy(a => a.Ordinal)
            .Select(a => new Item(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256))
            .ToListAsync(cancellationToken);

    /// <summary>The case when the signed-in user may see its attachments; otherwise null.</summary>
    public static async Task<Complaint?> FindInScopeAsync(WorkflowDbContext db, StaffUserContext user, string trackingNumber, CancellationToken cancellationToken)
    {
        if (trackingNumber.Length > 20)
        {
            return null;
        }

        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.TrackingNumber == trackingNumber, cancellationToken);
        if (complaint is null)
        {
            return null;
        }

        var orgs = new EfOrgDirectory(db);
        var reached = user.SeesAssignedCasesOnly
            ? await CaseQueries.NamesUserAsync(db, user.UserName, trackingNumber, cancellationToken)
            : await orgs.FindAsync(complaint.RespondentUnitCode, cancellationToken) is { } respondent
                && (await user.ScopeAsync(cancellationToken)).Contains(ComplaintAccess.SupervisingUnitCode(respondent.Code, respondent.ParentCode));
        if (!reached || await ComplaintAccess.IsRespondentSideAsync(orgs, complaint.RespondentUnitCode, user.OrgUnitCode, cancellationToken))
        {
            return null;
        }

        return complaint;
    }
}
