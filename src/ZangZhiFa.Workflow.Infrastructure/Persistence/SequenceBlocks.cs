namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>
/// Identifier values reserved from a database counter and not yet handed out, per counter name. One reservation of
/// <see cref="BlockSize"/> values replaces that many write turns: under load, taking each tracking number in a
/// transaction of its own was a whole extra turn of the single SQLite writer per complaint.
/// </summary>
public sealed class SequenceBlocks : IDisposable
{
    /// <summary>Values reserved at a time; at most this many minus one are skipped when the process stops.</summary>
    public const int BlockSize = 50;

    /// <summary>
    /// Held while a block is reserved. Without it every caller that found the block empty at the same moment queued
    /// for the write turn only to find the block the first had reserved: under load, one turn (BEGIN, two PRAGMAs,
    /// rollback) per complaint for nothing, with the single writer the bottleneck.
    /// </summary>
    public SemaphoreSlim Reserving { get; } = new(1, 1);

    // Per name, reserved ranges in the order they were reserved (two callers may reserve at the same moment).
    private readonly Dictionary<string, List<(long Next, long Last)>> _ranges = new(StringComparer.Ordinal);

    /// <summary>Hands out the lowest value reserved for <paramref name="name"/>, if any is left.</summary>
    public bool TryTake(string name, out long value)
    {
        lock (_ranges)
        {
            if (_ranges.TryGetValue(name, out var ranges) && ranges.Count > 0)
            {
                var (next, last) = ranges[0];
                value = next;
                if (next == last)
                {
                    ranges.RemoveAt(0);
                }
                else
                {
                    ranges[0] = (next + 1, last);
                }

                return true;
            }
        }

        value = 0;
        return false;
    }

    /// <summary>Keeps the reserved values <paramref name="first"/>…<paramref name="last"/> and hands out the first.</summary>
    public long AddAndTake(string name, long first, long last)
    {
        lock (_ranges)
        {
            if (first < last)
            {
                if (!_ranges.TryGetValue(name, out var ranges))
                {
                    _ranges[name] = ranges = [];
                }

                ranges.Add((first + 1, last));
            }

            return first;
        }
    }

    public void Dispose() => Reserving.Dispose();
}
