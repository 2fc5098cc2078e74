using Microsoft.EntityFrameworkCore;
using Quartz;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web;

/// <summary><c>GET /health</c>: 200 when the database answers and the scheduler runs, else 503 saying which.</summary>
public static class HealthEndpoint
{
    public static void MapHealthEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", async (WorkflowDbContext db, ISchedulerFactory schedulers, CancellationToken cancellationToken) =>
        {
            var database = await db.Database.CanConnectAsync(cancellationToken);
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            var schedulerUp = scheduler.Status == SchedulerStatus.Running;
            var body = new { status = database && schedulerUp ? "ok" : "degraded", database, scheduler = schedulerUp };
            return database && schedulerUp ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).ExcludeFromDescription();
}
