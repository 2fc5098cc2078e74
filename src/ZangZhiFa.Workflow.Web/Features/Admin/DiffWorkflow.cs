using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Engine.Definitions;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary><c>GET /api/admin/workflows/{id}/diff?from=1&amp;to=2</c>: added, removed and changed activities and connections.</summary>
public static class DiffWorkflow
{
    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapGet("/workflows/{id}/diff", Results<Ok<DefinitionDiff>, NotFound<string>> (string id, int from, int to, DefinitionCatalog catalog) =>
            catalog.Find(id, from) is not { } before ? TypedResults.NotFound($"v{from}")
            : catalog.Find(id, to) is not { } after ? TypedResults.NotFound($"v{to}")
            : TypedResults.Ok(DefinitionDiff.Between(before, after)));
}
