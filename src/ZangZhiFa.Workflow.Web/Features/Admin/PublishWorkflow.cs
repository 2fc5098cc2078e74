using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// <c>POST /api/admin/workflows/{id}/publish</c> with a definition as the body: validates it and publishes it as the
/// next version, which new instances use; running instances stay on theirs. 400 with the validator's errors (the
/// same lines the <c>validate</c> command prints) when it is invalid, and then nothing changes. Journaled.
/// </summary>
public static class PublishWorkflow
{
    public sealed record Response(string Id, int Version);

    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapPost("/workflows/{id}/publish", async Task<Results<Ok<Response>, ProblemHttpResult>> (string id, HttpRequest request, WorkflowAdmin workflows, StaffUserContext user, CancellationToken cancellationToken) =>
        {
            var result = await workflows.PublishAsync(id, await ValidateWorkflow.ReadBodyAsync(request), user.UserName, cancellationToken);
            return result.Version is { } version ? TypedResults.Ok(new Response(id, version)) : Refused("流程定义校验未通过，未发布", result.Errors);
        });

    internal static ProblemHttpResult Refused(string title, IReadOnlyList<DefinitionError> errors) =>
        TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { ["errors"] = errors });
}
