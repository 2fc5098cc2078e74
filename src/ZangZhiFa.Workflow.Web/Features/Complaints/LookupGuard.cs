using System.Collections.Concurrent;

namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>
/// Limits wrong tracking-number/query-code guesses per client address: after too many failures in the window
/// every lookup from that address is refused for a while, right code or not, so codes cannot be enumerated.
/// </summary>
public sealed class LookupGuard(TimeProvider time, IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly int _limit = configuration.GetValue("RateLimits:LookupFailures", 10);
    private readonly TimeSpan _window = TimeSpan.FromMinutes(configuration.GetValue("RateLimits:LookupWindowMinutes", 10));

    /// <summary>How long this client stays refused; null when it is not.</summary>
    public TimeSpan? BlockedFor(string client)
    {
        if (!_failures.TryGetValue(client, out var failures))
        {
            return null;
        }

        lock (failures)
        {
            Trim(failures);
            if (failures.Count < _limit)
            {
                return null;
            }

            // Refused until enough failures have left the window for the count to drop below the limit.
            var freeing = failures.ElementAt(failures.Count - _limit);
            return freeing + _window - time.GetUtcNow();
        }
    }

    public void RecordFailure(string client)
    {
        var failures = _failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            Trim(failures);
            failures.Enqueue(time.GetUtcNow());
        }
    }

    private void Trim(Queue<DateTimeOffset> failures)
    {
        var cutoff = time.GetUtcNow() - _window;
        while (failures.TryPeek(out var oldest) && oldest <= cutoff)
        {
            failures.Dequeue();
        }
    }

    public static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "local";
}
