using System.Buffers;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerHost = SmtpServer.SmtpServer;
using SmtpServices = SmtpServer.ComponentModel.ServiceProvider;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

/// <summary>A message the server accepted (or refused on purpose), parsed, with its SMTP envelope.</summary>
public sealed record ReceivedMail(MimeMessage Message, string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo);

/// <summary>
/// A real SMTP server (the SmtpServer 11.x package) on 127.0.0.1 and a free port, inside the test process.
/// It parses every message with MimeKit and keeps it; it can refuse the next N messages with a transient
/// <c>451</c> after DATA (to exercise retries) or refuse a recipient with <c>550</c> (a permanent failure).
/// Waiting is event-driven: <see cref="WaitForMessagesAsync"/> completes when the N-th message arrives.
/// </summary>
/// <example>
/// <code>
/// await using var smtp = await InProcessSmtpServer.StartAsync();
/// // point the client at smtp.Host / smtp.Port, without TLS
/// var mails = await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10));
/// </code>
/// </example>
public sealed class InProcessSmtpServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedMail> _received = [];
    private readonly List<ReceivedMail> _rejected = [];
    private readonly HashSet<string> _refusedRecipients = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(int Count, TaskCompletionSource<IReadOnlyList<ReceivedMail>> Done)> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private SmtpServerHost? _server;
    private Task _running = Task.CompletedTask;
    private int _rejectNext;

    private InProcessSmtpServer()
    {
    }

    /// <summary>Raised (on the server's thread) after a message has been accepted and stored.</summary>
    public event EventHandler<ReceivedMail>? MessageReceived;

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>Accepted messages, in arrival order (a snapshot).</summary>
    public IReadOnlyList<ReceivedMail> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Messages refused through <see cref="RejectNext"/>, in arrival order (a snapshot).</summary>
    public IReadOnlyList<ReceivedMail> Rejected
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejected];
            }
        }
    }

    /// <summary>Starts listening; the port is the one the operating system picked.</summary>
    public static async Task<InProcessSmtpServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new InProcessSmtpServer();
        await server.ListenAsync(cancellationToken);
        return server;
    }

    /// <summary>Answers the next <paramref name="count"/> messages with <c>451</c> after DATA (transient; the client should retry).</summary>
    public void RejectNext(int count)
    {
        lock (_gate)
        {
            _rejectNext = count;
        }
    }

    /// <summary>Answers <c>RCPT TO:&lt;address&gt;</c> with <c>550</c> from now on (a permanent refusal).</summary>
    public void RefuseRecipient(string address)
    {
        lock (_gate)
        {
            _refusedRecipients.Add(address);
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> messages were accepted; throws <see cref="TimeoutException"/> otherwise.</summary>
    public Task<IReadOnlyList<ReceivedMail>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_received.Count >= count)
            {
                return Task.FromResult<IReadOnlyList<ReceivedMail>>([.. _received]);
            }

            var done = new TaskCompletionSource<IReadOnlyList<ReceivedMail>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    /// <summary>Completes with the first accepted message (already here or still to come) that matches; throws <see cref="TimeoutException"/> otherwise.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> match, int timeoutSeconds = 30)
    {
        var found = new TaskCompletionSource<MimeMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReceived(object? sender, ReceivedMail mail)
        {
            if (match(mail.Message))
            {
                found.TrySetResult(mail.Message);
            }
        }

        MessageReceived += OnReceived;
        try
        {
            if (Received.FirstOrDefault(m => match(m.Message)) is { } already)
            {
                return already.Message;
            }

            try
            {
                return await found.Task.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"no matching mail within {timeoutSeconds}s; received: {string.Join(" | ", Received.Select(m => m.Message.Subject))}");
            }
        }
        finally
        {
            MessageReceived -= OnReceived;
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var listeners = new EndpointListenerFactory();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Port 0 lets the OS choose, which avoids the probe-then-bind race; the listener reports what it got.
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test.local")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();
        var services = new SmtpServices();
        services.Add(listeners);
        services.Add(new CollectingStore(this));
        services.Add(new RecipientFilter(this));

        _server = new SmtpServerHost(options, services);
        _running = _server.StartAsync(_stop.Token);
        var first = await Task.WhenAny(started.Task, _running).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        if (first != started.Task)
        {
            await _running; // surfaces the bind failure
            throw new InvalidOperationException("SMTP server stopped before it listened");
        }

        Port = await started.Task;
    }

    private SmtpResponse Accept(ReceivedMail mail)
    {
        List<TaskCompletionSource<IReadOnlyList<ReceivedMail>>> completed = [];
        IReadOnlyList<ReceivedMail> snapshot;
        lock (_gate)
        {
            if (_rejectNext > 0)
            {
                _rejectNext--;
                _rejected.Add(mail);
                return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Temporary failure, try again later (test)");
            }

            _received.Add(mail);
            snapshot = [.. _received];
            foreach (var waiter in _waiters.Where(w => w.Count <= snapshot.Count).ToList())
            {
                _waiters.Remove(waiter);
                completed.Add(waiter.Done);
            }
        }

        foreach (var done in completed)
        {
            done.TrySetResult(snapshot);
        }

        MessageReceived?.Invoke(this, mail);
        return SmtpResponse.Ok;
    }

    private bool IsRefused(string address)
    {
        lock (_gate)
        {
            return _refusedRecipients.Contains(address);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server?.Shutdown();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // Cancelling the token is how the server is told to stop.
        }

        _stop.Dispose();
        lock (_gate)
        {
            foreach (var mail in _received.Concat(_rejected))
            {
                mail.Message.Dispose();
            }
        }
    }

    private sealed class CollectingStore(InProcessSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray(), writable: false);
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var envelopeTo = transaction.To.Select(mailbox => mailbox.AsAddress()).ToList();
            return owner.Accept(new ReceivedMail(message, transaction.From.AsAddress(), envelopeTo));
        }
    }

    private sealed class RecipientFilter(InProcessSmtpServer owner) : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!owner.IsRefused(to.AsAddress()));
    }
}
