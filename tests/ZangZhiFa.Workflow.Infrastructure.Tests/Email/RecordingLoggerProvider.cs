using Microsoft.Extensions.Logging;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Email;

/// <summary>One log call: category, level, rendered text, and the template's named values.</summary>
public sealed record LogRecord(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values, Exception? Exception);

/// <summary>
/// Keeps every log record and lets a test wait for one that matches — the way to learn that a background
/// worker reached a state (e.g. armed its timer) without sleeping.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<LogRecord> _records = [];
    private readonly List<(Func<LogRecord, bool> Match, TaskCompletionSource<LogRecord> Done)> _waiters = [];

    public IReadOnlyList<LogRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>Completes with the first record, past or future, that <paramref name="match"/> accepts.</summary>
    public Task<LogRecord> WaitForAsync(Func<LogRecord, bool> match, TimeSpan timeout)
    {
        lock (_gate)
        {
            var existing = _records.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            var done = new TaskCompletionSource<LogRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogRecord record)
    {
        List<TaskCompletionSource<LogRecord>> matched = [];
        lock (_gate)
        {
            _records.Add(record);
            foreach (var waiter in _waiters.Where(w => w.Match(record)).ToList())
            {
                _waiters.Remove(waiter);
                matched.Add(waiter.Done);
            }
        }

        foreach (var done in matched)
        {
            done.TrySetResult(record);
        }
    }

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : [];
            owner.Add(new LogRecord(category, logLevel, formatter(state, exception), values, exception));
        }
    }
}
