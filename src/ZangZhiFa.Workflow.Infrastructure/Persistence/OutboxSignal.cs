using System.Threading.Channels;

namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// Wakes a background worker after a commit that left it work. Coalescing (one pending wake-up at most), so
/// a burst of commits costs one pass; the worker also runs once at start-up for anything left from before.
/// </summary>
public abstract class OutboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAsync(cancellationToken);
}

/// <summary>Timer bookmarks were added or removed: the scheduler should read the timer outbox.</summary>
public sealed class TimerOutboxSignal : OutboxSignal;

/// <summary>Mail was queued: the mail worker should look.</summary>
public sealed class MailOutboxSignal : OutboxSignal;
