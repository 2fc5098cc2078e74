using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary><c>GET /api/tasks[?mine=true&amp;page=1&amp;pageSize=50]</c>: the open tasks the signed-in user may act on, due first.</summary>
public static class ListTasks
{
    public sealed record Page(int Total, int PageNumber, int PageSize, IReadOnlyList<TaskItem> Items);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/tasks", async (bool? mine, int? page, int? pageSize, StaffUserContext user, WorkflowDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var size = Math.Clamp(pageSize ?? 50, 1, 200);
            var number = Math.Max(page ?? 1, 1);
            var (own, group, pool) = TaskQueries.Halves(db, user.UserName, user.Roles, await user.ScopeAsync(cancellationToken));
            var (total, rows) = await TaskQueries.OpenPageAsync(mine == true ? [own] : [own, group, pool], number, size, cancellationToken);
            var now = time.GetUtcNow();
            return TypedResults.Ok(new Page(total, number, size, [.. rows.Select(t => TaskQueries.ToItem(t, now))]));
        }).RequireAuthorization();
}
