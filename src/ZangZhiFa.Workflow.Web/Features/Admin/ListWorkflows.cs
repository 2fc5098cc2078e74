using Microsoft.AspNetCore.Http.HttpResults;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary><c>GET /api/admin/workflows</c>: every flow with its versions (published or draft), how many instances run on each and which of them stopped on an error.</summary>
public static class ListWorkflows
{
    /// <summary>A version: <c>Number</c> null and <c>Status</c> <c>draft</c> for the draft, else <c>published</c> or <c>retired</c>.</summary>
    public sealed record Version(int? Number, string Status, int Instances, int Faulted = 0);

    /// <summary>A case whose flow stopped on an error (出错): nobody's inbox shows it, so the admin list must.</summary>
    public sealed record FaultedCase(string? CaseNumber, int Version, string? Fault, DateTimeOffset At);

    public sealed record Item(string Id, string Name, IReadOnlyList<Version> Versions, DateTimeOffset? DraftSavedAt, string? DraftSavedBy, IReadOnlyList<FaultedCase> Faults);

    /// <summary>How many faulted cases a flow lists by name; the counts per version stay complete.</summary>
    public const int FaultsListed = 20;

    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapGet("/workflows", async Task<Ok<IReadOnlyList<Item>>> (WorkflowAdmin workflows, CancellationToken cancellationToken) =>
            TypedResults.Ok(await workflows.ListAsync(cancellationToken)));
}
