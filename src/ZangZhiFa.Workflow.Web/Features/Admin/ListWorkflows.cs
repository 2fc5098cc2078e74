using Microsoft.AspNetCore.Http.HttpResults;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary><c>GET /api/admin/workflows</c>: every flow with its versions (published or draft) and how many instances run on each.</summary>
public static class ListWorkflows
{
    /// <summary>A version: <c>Number</c> null and <c>Status</c> <c>draft</c> for the draft, else <c>published</c> or <c>retired</c>.</summary>
    public sealed record Version(int? Number, string Status, int Instances);

    public sealed record Item(string Id, string Name, IReadOnlyList<Version> Versions, DateTimeOffset? DraftSavedAt, string? DraftSavedBy);

    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapGet("/workflows", async Task<Ok<IReadOnlyList<Item>>> (WorkflowAdmin workflows, CancellationToken cancellationToken) =>
            TypedResults.Ok(await workflows.ListAsync(cancellationToken)));
}
