using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Attachments;
using ZangZhiFa.Workflow.Web.Features.Cases;

namespace ZangZhiFa.Workflow.Web.Features.LegalReviews;

/// <summary>
/// <c>GET /api/legal-reviews/{caseNumber}/attachments[/{id}]</c>: the files submitted with a proposed decision, for
/// staff who may open the review's case file (its unit and the units above, the pool's candidates, the reviewer).
/// </summary>
public static class LegalReviewFiles
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/legal-reviews/{caseNumber}/attachments").RequireAuthorization();

        group.MapGet("", async Task<Results<Ok<List<CaseAttachments.Item>>, NotFound>> (string caseNumber, CaseQueries cases, WorkflowDbContext db, CancellationToken cancellationToken) =>
        {
            if (!await InScopeAsync(cases, caseNumber, cancellationToken))
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(await db.LegalReviewAttachments.AsNoTracking()
                .Where(a => a.CaseNumber == caseNumber)
                .OrderBy(a => a.Ordinal)
                .Select(a => new CaseAttachments.Item(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256))
                .ToListAsync(cancellationToken));
        });

        group.MapGet("/{id:guid}", async Task<Results<PhysicalFileHttpResult, NotFound>> (string caseNumber, Guid id, HttpResponse response, CaseQueries cases, WorkflowDbContext db, AttachmentStore store, CancellationToken cancellationToken) =>
        {
            var file = await InScopeAsync(cases, caseNumber, cancellationToken)
                ? await db.LegalReviewAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.CaseNumber == caseNumber, cancellationToken)
                : null;
            var path = file is null ? null : store.PathOf(file.Sha256);
            if (file is null || !File.Exists(path))
            {
                return TypedResults.NotFound();
            }

            // Served as a download and never sniffed, like complaint attachments.
            response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.PhysicalFile(path, file.ContentType, file.FileName);
        });
    }

    private static async Task<bool> InScopeAsync(CaseQueries cases, string caseNumber, CancellationToken cancellationToken) =>
        await cases.FindAsync(caseNumber, cancellationToken) is { DefinitionId: SubmitLegalReview.FlowId };
}
