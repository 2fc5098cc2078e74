using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Tasks;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Tasks;

/// <summary>
/// The inbox halves walk their own indexes. SQLite picks a plan from the statistics of the data, so the test gives
/// it those of the 200,000-task benchmark (bench/README.md) and asks for the plan: a half that walks the wrong index
/// reads every unclaimed task of the table (~80 ms there) and no functional test would notice.
/// </summary>
public sealed class TaskQueriesPlanTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("zzf-plan-").FullName;
    private DbContextOptions<WorkflowDbContext> _options = null!;

    public async Task InitializeAsync()
    {
        _options = new DbContextOptionsBuilder<WorkflowDbContext>().UseWorkflowSqlite($"Data Source={Path.Combine(_folder, "plan.db")}").Options;
        await using var db = new WorkflowDbContext(_options);
        await DatabaseInitializer.MigrateAsync(db, CancellationToken.None);
        // sqlite_stat1 as ANALYZE wrote it for the benchmark's backlog: every task open and unclaimed, four roles.
        await db.Database.ExecuteSqlRawAsync("ANALYZE;");
        await db.Database.ExecuteSqlRawAsync("DELETE FROM sqlite_stat1 WHERE tbl = 'workflow_tasks';");
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
              ('workflow_tasks', 'IX_tasks_inbox_pool', '0 0 0'),
              ('workflow_tasks', 'IX_workflow_tasks_InstanceId_Status', '200000 1 1'),
              ('workflow_tasks', 'IX_tasks_inbox_mine', '200000 200000 200000 1'),
              ('workflow_tasks', 'IX_tasks_inbox_group', '200000 200000 50000 1 1'),
              ('workflow_tasks', 'IX_tasks_inbox_count', '200000 200000 50000 1516'),
              ('workflow_tasks', 'sqlite_autoindex_workflow_tasks_1', '200000 1');
            """);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<string> PlanAsync<T>(WorkflowDbContext db, IQueryable<T> query)
    {
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await db.Database.OpenConnectionAsync();
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join(" | ", lines);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Halves_WalkTheirOwnIndexes_ForThePageAndForTheCappedCount(bool withStatistics)
    {
        if (!withStatistics)
        {
            // Production never runs ANALYZE: the planner must choose the same without statistics.
            await using var plain = new WorkflowDbContext(_options);
            await plain.Database.ExecuteSqlRawAsync("DELETE FROM sqlite_stat1;");
        }

        SqliteConnection.ClearAllPools(); // a fresh connection reads the statistics as they now are
        await using var db = new WorkflowDbContext(_options);
        // A region user: the group page must come in due order from IX_tasks_inbox_group (sorting 50,000 rows would not do).
        var region = await db.OrgUnits.Select(u => u.Code).ToListAsync();
        region.AddRange(["540000", "540100", "540102", "540102001"]);
        var (mine, group, pool) = TaskQueries.Halves(db, "clerk", ["受理员"], region.Distinct());
        var (_, township, _) = TaskQueries.Halves(db, "clerk.bkj", ["受理员"], ["540102001"]);

        foreach (var (half, page, count) in new[]
                 {
                     (mine, "IX_tasks_inbox_mine", "IX_tasks_inbox_mine"),
                     (group, "IX_tasks_inbox_group ", "IX_tasks_inbox_count"),
                     (township, "IX_tasks_inbox_group ", "IX_tasks_inbox_count"),
                     (pool, "IX_tasks_inbox_pool", "IX_tasks_inbox_pool"),
                 })
        {
            var pagePlan = await PlanAsync(db, TaskQueries.PageQuery(half, 51));
            pagePlan.Should().Contain(page).And.NotContain("TEMP B-TREE FOR ORDER BY", "the whole backlog is not sorted for one page");
            // CountOpenAsync's "SELECT COUNT(*) FROM (SELECT 1 … LIMIT n)": the inner query, as EF writes it.
            (await PlanAsync(db, TaskQueries.CountQuery(half, 1000).Select(t => 1))).Should().Contain(count);
        }
    }
}
