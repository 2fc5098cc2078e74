using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>What became of something the complainant sent into their case (a rating, a supplement).</summary>
public enum ComplainantReplyStatus
{
    Accepted,
    Invalid,
    NotFound,
    TooManyAttempts,

    /// <summary>The case is not waiting for this kind of reply right now.</summary>
    NotExpected,
}

/// <summary>The result of <see cref="ComplainantSignals.SendAsync"/>; <see cref="Errors"/> name the bad fields (Chinese).</summary>
public sealed record ComplainantReply(ComplainantReplyStatus Status, Dictionary<string, string[]>? Errors = null)
{
    /// <summary>The API's answer: 204, 400 naming fields, 429, 404, or 409 when the flow is not waiting for this.</summary>
    public Results<NoContent, ValidationProblem, ProblemHttpResult> ToHttpResult(string invalidTitle, string notWaitingTitle) =>
        Status switch
        {
            ComplainantReplyStatus.Accepted => TypedResults.NoContent(),
            ComplainantReplyStatus.Invalid => TypedResults.ValidationProblem(Errors!, title: invalidTitle),
            ComplainantReplyStatus.TooManyAttempts => TrackComplaint.TooManyAttempts(),
            ComplainantReplyStatus.NotFound => TrackComplaint.NotFound(),
            _ => TypedResults.Problem(title: notWaitingTitle, statusCode: StatusCodes.Status409Conflict),
        };

    public static ComplainantReply Invalid(Dictionary<string, string[]> errors) => new(ComplainantReplyStatus.Invalid, errors);
}

/// <summary>
/// Hands a complainant's reply to the waiting flow: the tracking number and query code must match (wrong code and
/// unknown number look alike, repeated failures are refused), and the flow must be waiting for that signal.
/// Shared by the JSON API and the public pages so both behave the same.
/// </summary>
public sealed class ComplainantSignals(TrackComplaint.Handler access, WorkflowRunner runner, IWorkflowStore store)
{
    public async Task<ComplainantReply> SendAsync(string trackingNumber, string? queryCode, string signal, JsonObject payload, HttpContext http, CancellationToken cancellationToken)
    {
        var (complaint, blocked) = await access.AuthoriseAsync(trackingNumber, queryCode, http, cancellationToken);
        if (blocked)
        {
            return new ComplainantReply(ComplainantReplyStatus.TooManyAttempts);
        }

        if (complaint is null)
        {
            return new ComplainantReply(ComplainantReplyStatus.NotFound);
        }

        if (await runner.SignalAsync(complaint.InstanceId, signal, payload, "complainant", cancellationToken) == 0)
        {
            return new ComplainantReply(ComplainantReplyStatus.NotExpected);
        }

        await store.SaveChangesAsync(cancellationToken);
        return new ComplainantReply(ComplainantReplyStatus.Accepted);
    }
}
