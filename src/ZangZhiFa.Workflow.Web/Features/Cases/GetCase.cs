using Microsoft.AspNetCore.Http.HttpResults;

namespace ZangZhiFa.Workflow.Web.Features.Cases;

/// <summary>
/// <c>GET /api/cases/{caseNumber}</c>: the case file, scoped and masked (404 when out of scope), and
/// <c>GET /staff/notices/{id}</c>: an issued notice as printable HTML for staff who may see its case.
/// </summary>
public static class GetCase
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cases/{caseNumber}", async Task<Results<Ok<CaseFile>, NotFound>> (string caseNumber, CaseQueries cases, CancellationToken cancellationToken) =>
            await cases.FindAsync(caseNumber, cancellationToken) is { } file ? TypedResults.Ok(file) : TypedResults.NotFound())
            .RequireAuthorization();

        app.MapGet("/staff/notices/{noticeId:guid}", async Task<Results<ContentHttpResult, NotFound>> (Guid noticeId, HttpContext http, CaseQueries cases, CancellationToken cancellationToken) =>
        {
            if (await cases.NoticeHtmlAsync(noticeId, cancellationToken) is not { } html)
            {
                return TypedResults.NotFound();
            }

            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Content(html, "text/html; charset=utf-8");
        }).RequireAuthorization();
    }
}
