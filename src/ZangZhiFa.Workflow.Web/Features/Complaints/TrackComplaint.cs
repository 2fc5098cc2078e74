using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Complaints;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features;

namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>
/// What a complainant may see of their case with tracking number + query code: the stage, a dated public
/// timeline and the notices addressed to them. Unknown number and wrong code give the same 404; repeated
/// failures from one address are refused with 429.
/// </summary>
public static class TrackComplaint
{
    public sealed record TimelineItem(string At, string Text);

    public sealed record NoticeItem(Guid Id, string Title, string? DocumentNumber, DateTimeOffset IssuedAt, string Url);

    public sealed record Response(string TrackingNumber, string Status, string Stage, IReadOnlyList<TimelineItem> Timeline, IReadOnlyList<NoticeItem> Notices, bool AwaitingRating, bool AwaitingSupplement, IReadOnlyList<string> Attachments);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/complaints/{trackingNumber}", async Task<Results<Ok<Response>, ProblemHttpResult>> (
            string trackingNumber, string? queryCode, HttpContext http, Handler handler, CancellationToken cancellationToken) =>
        {
            var (complaint, blocked) = await handler.AuthoriseAsync(trackingNumber, queryCode, http, cancellationToken);
            if (blocked)
            {
                return TooManyAttempts();
            }

            return complaint is null ? NotFound() : TypedResults.Ok(await handler.DescribeAsync(complaint, queryCode!, cancellationToken));
        });

        app.MapGet("/api/complaints/{trackingNumber}/notices/{noticeId:guid}", async Task<Results<ContentHttpResult, ProblemHttpResult>> (
            string trackingNumber, Guid noticeId, string? queryCode, HttpContext http, Handler handler, CancellationToken cancellationToken) =>
        {
            var (complaint, blocked) = await handler.AuthoriseAsync(trackingNumber, queryCode, http, cancellationToken);
            if (blocked)
            {
                return TooManyAttempts();
            }

            var html = complaint is null ? null : await handler.FindNoticeHtmlAsync(complaint, noticeId, cancellationToken);
            return html is null ? NotFound() : TypedResults.Content(html, "text/html; charset=utf-8");
        });
    }

    /// <summary>Notices for the complainant carry this audience in the flow definition.</summary>
    public const string ComplainantAudience = "complainant";


    // A problem document like every other refusal of the API (application/problem+json), the same for a wrong code and
    // an unknown number.
    internal static ProblemHttpResult NotFound() =>
        TypedResults.Problem(title: "未找到该投诉举报：请核对登记编号和查询码", statusCode: StatusCodes.Status404NotFound);

    internal static ProblemHttpResult TooManyAttempts() =>
        TypedResults.Problem(title: "查询失败次数过多，请稍后再试", statusCode: StatusCodes.Status429TooManyRequests);

    public sealed class Handler(ComplaintAccess access, LookupGuard guard, WorkflowDbContext db)
    {
        /// <summary>The complaint if the code is right; <c>blocked</c> when this client guessed wrong too often.</summary>
        public async Task<(Complaint? Complaint, bool Blocked)> AuthoriseAsync(string trackingNumber, string? queryCode, HttpContext http, CancellationToken cancellationToken)
        {
            var client = LookupGuard.ClientOf(http);
            if (guard.BlockedFor(client) is { } wait)
            {
                RateLimits.SetRetryAfter(http.Response, wait);
                return (null, true);
            }

            var complaint = await access.FindAsync(trackingNumber.Trim().ToUpperInvariant(), queryCode, cancellationToken);
            if (complaint is null)
            {
                guard.RecordFailure(client);
            }

            return (complaint, false);
        }

        /// <summary>The printable HTML of a notice addressed to this complaint's complainant, or null.</summary>
        public async Task<string?> FindNoticeHtmlAsync(Complaint complaint, Guid noticeId, CancellationToken cancellationToken) =>
            await db.Notices.AsNoTracking()
                .Where(n => n.Id == noticeId && n.InstanceId == complaint.InstanceId && n.Audience == ComplainantAudience)
                .Select(n => n.Html)
                .FirstOrDefaultAsync(cancellationToken);

        public async Task<Response> DescribeAsync(Complaint complaint, string queryCode, CancellationToken cancellationToken)
        {
            var instance = await db.Instances.AsNoTracking().FirstAsync(i => i.Id == complaint.InstanceId, cancellationToken);
            var variables = JsonNode.Parse(instance.VariablesJson)?.AsObject() ?? [];
            var timeline = (variables["timeline"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(e => new TimelineItem(e["at"]?.ToString() ?? "", e["text"]?.ToString() ?? ""))
                .ToList();
            var notices = await db.Notices.AsNoTracking()
                .Where(n => n.InstanceId == complaint.InstanceId && n.Audience == ComplainantAudience)
                .OrderBy(n => n.IssuedAt)
                .Select(n => new { n.Id, n.Title, n.DocumentNumber, n.IssuedAt })
                .ToListAsync(cancellationToken);
            // Names only: the complainant is reminded what they sent; the files themselves are for staff.
            var attachments = await db.ComplaintAttachments.AsNoTracking()
                .Where(a => a.ComplaintId == complaint.Id)
                .OrderBy(a => a.Ordinal)
                .Select(a => a.FileName)
                .ToListAsync(cancellationToken);
            var waiting = await db.Bookmarks.AsNoTracking()
                .Where(b => b.InstanceId == complaint.InstanceId && b.Kind == BookmarkKind.Signal)
                .Select(b => b.Name)
                .ToListAsync(cancellationToken);
            var status = instance.Status switch
            {
                WorkflowStatus.Completed => "已办结",
                WorkflowStatus.Cancelled => "已撤销",
                _ => "办理中",
            };
            var code = Uri.EscapeDataString(queryCode);
            return new Response(
                complaint.TrackingNumber,
                status,
                variables["stage"]?.ToString() ?? "",
                timeline,
                [.. notices.Select(n => new NoticeItem(n.Id, n.Title, n.DocumentNumber, n.IssuedAt, $"/api/complaints/{complaint.TrackingNumber}/notices/{n.Id}?queryCode={code}"))],
                waiting.Contains(RateComplaint.Signal),
                waiting.Contains(SupplementComplaint.Signal),
                attachments);
        }
    }
}
