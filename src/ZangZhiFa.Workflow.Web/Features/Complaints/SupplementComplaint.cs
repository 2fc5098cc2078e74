using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>补正: the complainant sends the material a 补正通知书 asked for; the investigation clock runs again.</summary>
public static class SupplementComplaint
{
    public const string Signal = "supplement";

    public sealed record Request(string? Text);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/complaints/{trackingNumber}/supplement", async Task<Results<NoContent, ValidationProblem, NotFound<TrackComplaint.ProblemDetailsBody>, ProblemHttpResult>> (
            string trackingNumber, string? queryCode, Request request, HttpContext http, TrackComplaint.Handler access, WorkflowRunner runner, IWorkflowStore store, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > 5000)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["请填写补正内容（不超过 5000 字）"] }, title: "补正内容有误");
            }

            var (complaint, blocked) = await access.AuthoriseAsync(trackingNumber, queryCode, http, cancellationToken);
            if (blocked)
            {
                return TrackComplaint.TooManyAttempts();
            }

            if (complaint is null)
            {
                return TrackComplaint.NotFound();
            }

            if (await runner.SignalAsync(complaint.InstanceId, Signal, new JsonObject { ["text"] = request.Text.Trim() }, "complainant", cancellationToken) == 0)
            {
                return TypedResults.Problem(title: "当前无需补正材料", statusCode: StatusCodes.Status409Conflict);
            }

            await store.SaveChangesAsync(cancellationToken);
            return TypedResults.NoContent();
        }).DisableAntiforgery();
}
