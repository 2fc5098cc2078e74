using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Web.Features.Complaints;
using ZangZhiFa.Workflow.Web.Localization;

namespace ZangZhiFa.Workflow.Web.Components.Public;

/// <summary>
/// Wiring for the public pages (no login): 投诉举报 form at <c>/</c>, receipt at <c>/receipt</c>, tracking at
/// <c>/track</c>, in Chinese or Tibetan. All of it is server-rendered and works without JavaScript.
/// </summary>
public static class PublicSite
{
    public static IServiceCollection AddPublicSite(this IServiceCollection services)
    {
        services.AddPublicLocalization();
        services.AddSingleton<ComplainantSession>();
        services.AddSingleton<FormSubmitLimiter>();
        return services;
    }

    /// <summary>
    /// <c>GET /track/notices/{id}</c>: a notice of the case opened on the tracking page, as printable HTML. The
    /// case comes from the session cookie, so the query code stays out of the link.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/track/notices/{noticeId:guid}", async Task<Results<ContentHttpResult, RedirectHttpResult, NotFound, StatusCodeHttpResult>> (
            Guid noticeId, HttpContext http, ComplainantSession session, TrackComplaint.Handler handler, CancellationToken cancellationToken) =>
        {
            if (session.Read(http) is not { } opened)
            {
                return TypedResults.Redirect("/track");
            }

            var (complaint, blocked) = await handler.AuthoriseAsync(opened.TrackingNumber, opened.QueryCode, http, cancellationToken);
            if (blocked)
            {
                return TypedResults.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            var html = complaint is null ? null : await handler.FindNoticeHtmlAsync(complaint, noticeId, cancellationToken);
            if (html is null)
            {
                return TypedResults.NotFound();
            }

            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Content(html, "text/html; charset=utf-8");
        });
}
