using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// <c>POST /api/admin/workflows/{id}/versions/{n}/retire</c>: retires a published version (停用) — new instances
/// start on the highest version still in use, instances running on this one carry on. 404 for an unknown version,
/// 409 when it is already retired or is the last version in use. Journaled.
/// </summary>
public static class RetireWorkflowVersion
{
    public sealed record Response(string Id, int Version, string Status);

    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapPost("/workflows/{id}/versions/{version:int}/retire", async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> (string id, int version, WorkflowAdmin workflows, StaffUserContext user, CancellationToken cancellationToken) =>
            await workflows.RetireAsync(id, version, user.UserName, cancellationToken) switch
            {
                RetireResult.Retired => TypedResults.Ok(new Response(id, version, "retired")),
                RetireResult.AlreadyRetired => TypedResults.Problem(title: $"v{version} 已停用", statusCode: StatusCodes.Status409Conflict),
                RetireResult.LastInUse => TypedResults.Problem(title: $"v{version} 是唯一在用的版本，不能停用：新案件将无流程可用", statusCode: StatusCodes.Status409Conflict),
                _ => TypedResults.NotFound(),
            });
}
