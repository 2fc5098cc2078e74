using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Infrastructure.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>补正: the complainant sends the material a 补正通知书 asked for; the investigation clock runs again.</summary>
public static class SupplementComplaint
{
    public const string Signal = "supplement";

    public sealed record Request(string? Text);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/complaints/{trackingNumber}/supplement", async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> (
            string trackingNumber, string? queryCode, Request request, HttpContext http, Handler handler, CancellationToken cancellationToken) =>
        {
            var reply = await handler.HandleAsync(trackingNumber, queryCode, request, http, cancellationToken);
            return reply.ToHttpResult("补正内容有误", "当前无需补正材料");
        }).DisableAntiforgery();

    /// <summary>Checks the supplement and passes it to the flow; used by the API and the tracking page.</summary>
    public sealed class Handler(ComplainantSignals signals)
    {
        public async Task<ComplainantReply> HandleAsync(string trackingNumber, string? queryCode, Request request, HttpContext http, CancellationToken cancellationToken)
        {
            var text = request.Text is null ? null : PlainText.Strip(request.Text).Trim();
            if (string.IsNullOrWhiteSpace(text) || text.Length > 5000)
            {
                return ComplainantReply.Invalid(new Dictionary<string, string[]> { ["text"] = ["请填写补正内容（不超过 5000 字）"] });
            }

            return await signals.SendAsync(trackingNumber, queryCode, Signal, new JsonObject { ["text"] = text }, http, cancellationToken);
        }
    }
}
