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
/// <remarks>
/// A firing that fails (a fault in the step it resumes, the database unavailable) is tried again later under the same
/// trigger, at growing intervals up to <see cref="MaxRetryDelay"/>: Quartz deletes a one-shot trigger once it has fired,
/// so without that the timer — a deadline, a 督办 — would be lost for good while its bookmark still waits.
/// </remarks>
public sealed class ResumeBookmarkJob(IServiceScopeFactory scopes, TimeProvider time, ILogger<ResumeBookmarkJob> logger) : IJob
{
    public static readonly JobKey Key = new("resume-bookmark", "workflow");

    public const string BookmarkIdKey = "bookmarkId";

    /// <summary>How many firings of the trigger failed before this one (absent on the first).</summary>
    public const string FailedKey = "failed";

    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private const int MaxAttempts = 5;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(BookmarkIdKey), out var bookmarkId))
        {
            logger.LogError("Trigger {Trigger} carries no bookmark id", context.Trigger.Key);
            return;
        }

        try
        {
            await FireAsync(scopes, bookmarkId, logger, cancellationToken);
        }
        catch (Exception ex)
        {
            var data = context.Trigger.JobDataMap;
            var before = data.ContainsKey(FailedKey) ? data.GetInt(FailedKey) : 0;
            // Stopped by the host shutting down: not a failure, it fires again as soon as the scheduler is back.
            var interrupted = cancellationToken.IsCancellationRequested;
            var failed = interrupted ? before : before + 1;
            var retryAt = interrupted ? time.GetUtcNow() : time.GetUtcNow() + RetryDelay(failed);
            if (!interrupted)
            {
                logger.LogError(ex, "Timer {BookmarkId} failed to fire ({Failed} time(s)); trying again at {RetryAt}", bookmarkId, failed, retryAt);
            }

            await KeepTriggerAsync(context, bookmarkId, failed, retryAt);
        }
    }

    /// <summary>
    /// Puts the firing's trigger back for <paramref name="retryAt"/>. Same key: a later cancellation of the timer (the
    /// outbox unschedules by bookmark) still finds it; Quartz keeps a trigger rescheduled while its job runs instead of
    /// deleting it as fired. The scheduler's own file may be busy for a moment, so this is tried a few times.
    /// </summary>
    private async Task KeepTriggerAsync(IJobExecutionContext context, Guid bookmarkId, int failed, DateTimeOffset retryAt)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await context.Scheduler.RescheduleJob(context.Trigger.Key, TimerOutboxDispatcher.Trigger(bookmarkId, retryAt, failed), CancellationToken.None);
                return;
            }
            catch (Exception ex) when (attempt < 3)
            {
                logger.LogWarning(ex, "Keeping the trigger of timer {BookmarkId} failed; trying again ({Attempt})", bookmarkId, attempt);
            }
        }
    }

    /// <summary>One minute after the first failure, doubling, at most an hour.</summary>
    public static TimeSpan RetryDelay(int failed) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(failed - 1, 20)));

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
