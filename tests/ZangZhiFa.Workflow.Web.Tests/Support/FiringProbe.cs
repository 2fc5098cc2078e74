using Microsoft.Extensions.DependencyInjection;
using Quartz;
using ZangZhiFa.Workflow.Infrastructure.Scheduling;

namespace ZangZhiFa.Workflow.Web.Tests.Support;

/// <summary>
/// Listens to the host's Quartz scheduler and lets a test await the firings it expects, instead of sleeping.
/// </summary>
public sealed class FiringProbe : IJobListener
{
    private readonly Lock _gate = new();
    private readonly List<Guid> _fired = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "test-firing-probe";

    public IReadOnlyList<Guid> Fired
    {
        get
        {
            lock (_gate)
            {
                return [.. _fired];
            }
        }
    }

    /// <summary>
    /// The host's probe. It is registered with the container as a job listener, so it hears firings from the moment
    /// the scheduler starts — including the catch-up firings a restarted host makes before the test gets control.
    /// </summary>
    public static Task<FiringProbe> AttachAsync(IServiceProvider services) =>
        Task.FromResult(services.GetRequiredService<FiringProbe>());

    /// <summary>Waits until at least <paramref name="count"/> firings completed (real-time limit so a dead scheduler fails the test).</summary>
    public Task WaitForAsync(int count, int timeoutSeconds = 30) =>
        WaitUntilAsync(fired => fired.Count >= count, $"expected {count} timer firing(s)", timeoutSeconds);

    /// <summary>
    /// Waits until the timer of <paramref name="bookmarkId"/> fired. Counting firings is not enough where a cancelled
    /// timer's trigger may still reach Quartz before the outbox removes it: that firing changes nothing, but counts.
    /// </summary>
    public Task WaitForBookmarkAsync(Guid bookmarkId, int timeoutSeconds = 30, int times = 1) =>
        WaitUntilAsync(fired => fired.Count(f => f == bookmarkId) >= times, $"expected the timer of bookmark {bookmarkId} to fire {times} time(s)", timeoutSeconds);

    private async Task WaitUntilAsync(Func<List<Guid>, bool> done, string expectation, int timeoutSeconds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (done(_fired))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{expectation} within {timeoutSeconds}s, saw {Fired.Count} firing(s)");
            }
        }
    }

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        if (!Equals(context.JobDetail.Key, ResumeBookmarkJob.Key))
        {
            return ValueTask.CompletedTask;
        }

        lock (_gate)
        {
            _fired.Add(Guid.Parse(context.MergedJobDataMap.GetString(ResumeBookmarkJob.BookmarkIdKey)!));
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return ValueTask.CompletedTask;
    }
}
