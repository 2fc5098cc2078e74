using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Features.OrgUnits;

/// <summary><c>GET /api/org-units</c>: the public org tree the complaint form offers as respondents.</summary>
public static class ListOrgUnits
{
    public sealed record Node(string Code, string Name, int Level, string Kind, IReadOnlyList<Node> Children);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/org-units", async (WorkflowDbContext db, CancellationToken cancellationToken) =>
            TypedResults.Ok(await TreeAsync(db, cancellationToken)));

    public static async Task<IReadOnlyList<Node>> TreeAsync(WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var units = await db.OrgUnits.AsNoTracking().OrderBy(u => u.SortOrder).ToListAsync(cancellationToken);
        var byParent = units.ToLookup(u => u.ParentCode ?? "");
        IReadOnlyList<Node> Children(string parent) =>
            [.. byParent[parent].Select(u => new Node(u.Code, u.Name, u.Level, u.Kind, Children(u.Code)))];
        return Children("");
    }
}
