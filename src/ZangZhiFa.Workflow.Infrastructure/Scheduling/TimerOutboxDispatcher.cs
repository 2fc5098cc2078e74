using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Scheduling;

/// <summary>
/// Moves committed timer changes from the outbox into Quartz. Runs at start-up (anything a crash left behind)
/// and whenever a commit signals new rows. Registration is idempotent — a trigger keyed by the bookmark id is
/// replaced, not duplicated — so handing the same row over twice is harmless.
/// </summary>
public sealed class TimerOutboxDispatcher(
    IServiceScopeFactory scopes,
    ISchedulerFactory schedulerFactory,
    TimerOutboxSignal signal,
    SqliteWriteGate writeGate,
    TimeProvider time,
    ILogger<TimerOutboxDispatcher> logger) : BackgroundService
{
    private const string TriggerGroup = "timers";
    private const int BatchSize = 100;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public static TriggerKey TriggerKeyFor(Guid bookmarkId) => new(bookmarkId.ToString("N"), TriggerGroup);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchAsync(stoppingToken);
                await signal.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The rows stay in the outbox; try again shortly rather than lose a timer.
                logger.LogError(ex, "Dispatching timers to the scheduler failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
    }

    /// <summary>Hands every outbox row to Quartz and deletes it; returns how many were handled.</summary>
    public async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await DispatchBatchesAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> DispatchBatchesAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        await EnsureJobAsync(scheduler, cancellationToken);
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
            var rows = await db.TimerCommands.OrderBy(c => c.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                return total;
            }

            // One scheduler transaction per batch, not one per timer: each is a durable commit of its own (a disk
            // flush), and a complaint sets three timers. The last change of a bookmark in the batch is the one that
            // counts, so a timer set and cancelled within the batch ends cancelled, as it would one by one.
            var latest = new Dictionary<Guid, DateTimeOffset?>();
            foreach (var change in rows.SelectMany(r => r.Changes))
            {
                latest[change.BookmarkId] = change.DueAt;
            }

            var now = time.GetUtcNow();
            // A trigger stored already more than a minute late counts as misfired and is left to Quartz's misfire
            // sweep, which may be a minute away; a timer that is due when it reaches us fires now.
            var triggers = latest.Where(c => c.Value is not null).Select(c => Trigger(c.Key, c.Value!.Value < now ? now : c.Value.Value)).ToList();
            if (triggers.Count > 0)
            {
                await scheduler.ScheduleJobs(new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>> { [Job()] = triggers }, ScheduleJobOptions.Replacing, cancellationToken);
            }

            var cancelled = latest.Where(c => c.Value is null).Select(c => TriggerKeyFor(c.Key)).ToList();
            if (cancelled.Count > 0)
            {
                await scheduler.UnscheduleJobs(cancelled, cancellationToken);
            }

            var last = rows[^1].Id;
            await DeleteHandedOverAsync(db, last, cancellationToken);

            total += rows.Count;
            logger.LogDebug("Dispatched {Count} timer changes to the scheduler", rows.Count);
        }
    }

    /// <summary>
    /// Deletes the rows up to <paramref name="last"/>: they were read in id order, ids only grow, and new rows are only
    /// written in the write turn this runs in. Not flushed before the turn is handed on: lost to a power cut, the delete
    /// hands the same rows to Quartz again, which replaces their triggers.
    /// </summary>
    private async Task<int> DeleteHandedOverAsync(WorkflowDbContext db, long last, CancellationToken cancellationToken)
    {
        Task<int> Delete() => db.TimerCommands.Where(c => c.Id <= last).ExecuteDeleteAsync(cancellationToken);
        if (!db.Database.IsSqlite())
        {
            return await writeGate.WriteAsync(Delete, cancellationToken);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await writeGate.WriteUnflushedAsync(db.Database.GetDbConnection(), Delete, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The one trigger of a timer bookmark, keyed by it, firing <see cref="ResumeBookmarkJob"/> at <paramref name="at"/>;
    /// <paramref name="failed"/> counts the firings that failed before (see the job).
    /// </summary>
    public static ITrigger Trigger(Guid bookmarkId, DateTimeOffset at, int failed = 0)
    {
        var builder = TriggerBuilder.Create()
            .WithIdentity(TriggerKeyFor(bookmarkId))
            .ForJob(ResumeBookmarkJob.Key)
            .UsingJobData(ResumeBookmarkJob.BookmarkIdKey, bookmarkId.ToString());
        if (failed > 0)
        {
            builder = builder.UsingJobData(ResumeBookmarkJob.FailedKey, failed);
        }

        return builder
            .StartAt(at)
            // A timer that fell due while the service was down fires as soon as it is back.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
    }

    private static IJobDetail Job() =>
        JobBuilder.Create<ResumeBookmarkJob>().WithIdentity(ResumeBookmarkJob.Key).StoreDurably().Build();

    private static async Task EnsureJobAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        if (!await scheduler.Exists(ResumeBookmarkJob.Key, cancellationToken))
        {
            await scheduler.AddJob(Job(), AddJobOptions.Replacing, cancellationToken);
        }
    }
}
