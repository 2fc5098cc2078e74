using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Infrastructure.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>
/// 回访评价: after the reply the complainant rates the handling (满意 / 基本满意 / 不满意 + comment). 不满意 leads the
/// flow to 复查. Accepted only while the flow waits for a rating.
/// </summary>
public static class RateComplaint
{
    public const string Signal = "satisfaction";

    public static readonly IReadOnlyList<string> Ratings = ["满意", "基本满意", "不满意"];

    public sealed record Request(string? Rating, string? Comment);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/complaints/{trackingNumber}/satisfaction", async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> (
            string trackingNumber, string? queryCode, Request request, HttpContext http, Handler handler, CancellationToken cancellationToken) =>
        {
            var reply = await handler.HandleAsync(trackingNumber, queryCode, request, http, cancellationToken);
            return reply.ToHttpResult("评价内容有误", "当前不在满意度评价阶段");
        }).DisableAntiforgery();

    /// <summary>Checks the rating and passes it to the flow; used by the API and the tracking page.</summary>
    public sealed class Handler(ComplainantSignals signals)
    {
        public async Task<ComplainantReply> HandleAsync(string trackingNumber, string? queryCode, Request request, HttpContext http, CancellationToken cancellationToken)
        {
            var errors = new Dictionary<string, string[]>();
            if (request.Rating is null || !Ratings.Contains(request.Rating))
            {
                errors["rating"] = ["请选择：满意、基本满意或不满意"];
            }

            if (request.Comment is { Length: > 1000 })
            {
                errors["comment"] = ["评价意见不能超过 1000 字"];
            }

            if (errors.Count > 0)
            {
                return ComplainantReply.Invalid(errors);
            }

            var payload = new JsonObject { ["rating"] = request.Rating, ["comment"] = request.Comment is null ? null : PlainText.Strip(request.Comment).Trim() };
            return await signals.SendAsync(trackingNumber, queryCode, Signal, payload, http, cancellationToken);
        }
    }
}
