using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Engine.Definitions;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary><c>GET /api/admin/workflows/{id}/diff?from=1&amp;to=2</c>: added, removed and changed activities and connections.</summary>
public static class DiffWorkflow
{
    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapGet("/workflows/{id}/diff", Results<Ok<DefinitionDiff>, ProblemHttpResult> (string id, int from, int to, DefinitionCatalog catalog) =>
            catalog.Find(id, from) is not { } before ? Missing(id, from)
            : catalog.Find(id, to) is not { } after ? Missing(id, to)
            : TypedResults.Ok(DefinitionDiff.Between(before, after)));

    private static ProblemHttpResult Missing(string id, int version) =>
        TypedResults.Problem(title: $"流程 “{id}” 没有已发布的 v{version}", statusCode: StatusCodes.Status404NotFound);
}
