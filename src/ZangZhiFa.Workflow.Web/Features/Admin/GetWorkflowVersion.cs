using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// <c>GET /api/admin/workflows/{id}/versions/{n}</c> and <c>…/draft</c>: the definition in the export format — the
/// text <c>WorkflowDefinitionSerializer</c> writes, byte for byte, ready to save as <c>workflows/{id}.json</c>.
/// </summary>
public static class GetWorkflowVersion
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/workflows/{id}/versions/{version:int}", Results<ContentHttpResult, NotFound> (string id, int version, WorkflowAdmin workflows) =>
            workflows.Export(id, version) is { } json ? Json(json) : TypedResults.NotFound());

        admin.MapGet("/workflows/{id}/draft", async Task<Results<ContentHttpResult, NotFound>> (string id, WorkflowAdmin workflows, CancellationToken cancellationToken) =>
            await workflows.DraftAsync(id, cancellationToken) is { } json ? Json(json) : TypedResults.NotFound());
    }

    // Written as text, not re-serialized, so the bytes are exactly the export format.
    private static ContentHttpResult Json(string json) => TypedResults.Text(json, "application/json", Encoding.UTF8);
}
