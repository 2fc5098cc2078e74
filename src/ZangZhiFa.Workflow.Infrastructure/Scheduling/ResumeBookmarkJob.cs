using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Infrastructure.Scheduling;

/// <summary>
/// The one Quartz job of the system. A trigger carries only the id of a timer bookmark; all state is in the
/// database, and the engine decides what the firing means. A bookmark that is gone (already fired, task done,
/// instance cancelled) makes the firing a no-op, which is what makes a duplicate or replayed trigger harmless.
/// </summary>
public sealed class ResumeBookmarkJob(IServiceScopeFactory scopes, ILogger<ResumeBookmarkJob> logger) : IJob
{
    public static readonly JobKey Key = new("resume-bookmark", "workflow");

    public const string BookmarkIdKey = "bookmarkId";

    private const int MaxAttempts = 5;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(BookmarkIdKey), out var bookmarkId))
        {
            logger.LogError("Trigger {Trigger} carries no bookmark id", context.Trigger.Key);
            return;
        }

        await FireAsync(scopes, bookmarkId, logger, cancellationToken);
    }

    /// <summary>Fires one timer in its own unit of work, retrying when another writer changed the instance first.</summary>
    public static async Task<bool> FireAsync(IServiceScopeFactory scopes, Guid bookmarkId, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var runner = scope.ServiceProvider.GetRequiredService<WorkflowRunner>();
            var store = scope.ServiceProvider.GetRequiredService<IWorkflowStore>();
            try
            {
                var fired = await runner.FireTimerAsync(bookmarkId, cancellationToken);
                if (fired)
                {
                    await store.SaveChangesAsync(cancellationToken);
                    logger.LogInformation("Timer {BookmarkId} fired", bookmarkId);
                }

                return fired;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                logger.LogInformation("Timer {BookmarkId} collided with another change; retrying ({Attempt})", bookmarkId, attempt);
            }
        }
    }
}
