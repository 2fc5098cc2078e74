using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary>
/// <c>GET /api/tasks[?mine=true&amp;page=1&amp;pageSize=50]</c>: the open tasks the signed-in user may act on, due
/// first. <c>total</c> stops at <c>Inbox:CountLimit</c>; <c>totalIsLowerBound</c> says there are more than that.
/// </summary>
public static class ListTasks
{
    /// <summary>
    /// The last page number served (a larger one reads as this). A page reads page × size rows, so a number from a
    /// mangled link must neither wrap that round an <see cref="int"/> (SQLite reads the negative limit as none) nor
    /// have millions of rows read.
    /// </summary>
    public const int MaxPage = 10_000;

    public sealed record Page(int Total, bool TotalIsLowerBound, int PageNumber, int PageSize, bool HasMore, IReadOnlyList<TaskItem> Items);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/tasks", async (bool? mine, int? page, int? pageSize, StaffUserContext user, WorkflowDbContext db, TimeProvider time, IConfiguration configuration, CancellationToken cancellationToken) =>
        {
            var size = Math.Clamp(pageSize ?? 50, 1, 200);
            var number = Math.Clamp(page ?? 1, 1, MaxPage);
            await TaskQueries.KeepOpenAsync(db, cancellationToken);
            var (own, group, pool) = TaskQueries.Halves(db, user.UserName, user.Roles, await user.ScopeAsync(cancellationToken));
            IReadOnlyList<IQueryable<Engine.Model.WorkflowTask>> halves = mine == true ? [own] : [own, group, pool];
            var total = await TaskQueries.CountOpenAsync(halves, TaskQueries.CountLimit(configuration), cancellationToken);
            var (rows, hasMore) = await TaskQueries.OpenPageAsync(halves, number, size, cancellationToken);
            var now = time.GetUtcNow();
            return TypedResults.Ok(new Page(total.Value, total.IsLowerBound, number, size, hasMore, [.. rows.Select(t => TaskQueries.ToItem(t, now))]));
        }).RequireAuthorization();
}
