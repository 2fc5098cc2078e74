using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Email;

/// <summary>
/// Delivers the mail outbox (<see cref="WorkflowDbContext.Mails"/>). It makes a pass at start-up, whenever
/// <see cref="MailOutboxSignal"/> reports a commit that queued mail, and when the earliest pending retry falls due
/// (a <see cref="TimeProvider"/> delay raced with the signal — no polling). A pass sends every due mail, oldest first,
/// one row at a time; a failure waits <see cref="SmtpOptions.RetryDelay"/> and after
/// <see cref="SmtpOptions.MaxAttempts"/> attempts (or at once, when the relay refuses the recipient for good) the
/// mail is marked <see cref="MailStatus.Failed"/>.
/// </summary>
/// <remarks>
/// <para><b>Claiming.</b> Before sending, a worker claims the row with one conditional UPDATE:
/// <c>SET Attempts = a + 1, NextAttemptAt = now + ClaimTimeout WHERE Id = @id AND Status = 'Pending' AND Attempts = a</c>.
/// <c>Attempts</c> only grows, so it serves as the row's version: of two workers that read the same row, exactly
/// one claim changes it, and the other skips the mail. Pushing <c>NextAttemptAt</c> out keeps a worker that reads
/// later from seeing the row as due while the send is in flight. The outcome (Sent, or the error and the next
/// attempt time) is written right after each send, again conditional on the claimed <c>Attempts</c>. Several
/// passes may therefore run at once — the hosted loop, the CLI, another process on the same database — without
/// a mail going out twice through this worker's doing.</para>
/// <para><b>At least once.</b> If the process dies, or the database write fails, after the relay accepted a mail
/// but before <c>Sent</c> was saved, the claim lapses after <see cref="SmtpOptions.ClaimTimeout"/> and the mail is
/// sent again. That is the accepted edge of an outbox: the alternative (mark first, send after) loses mail. It is
/// softened by the Message-Id, derived from the row id and identical on every attempt
/// (<see cref="MailKitTransport.MessageIdFor"/>), so mail systems and readers can recognise the repeat as the same
/// message. The same applies to a send interrupted by shutdown: its outcome is unknown, so it is left claimed and
/// retried when the claim lapses. The lease must outlast the slowest send, or a slow send could be claimed again.</para>
/// <para><c>Attempts</c> counts attempts started, the successful one included; <c>LastError</c> keeps the latest
/// failure even after a later success, as a record of why delivery was late.</para>
/// </remarks>
public sealed class MailOutboxWorker(
    IServiceScopeFactory scopeFactory,
    MailOutboxSignal signal,
    TimeProvider timeProvider,
    IOptions<SmtpOptions> options,
    ILogger<MailOutboxWorker> logger,
    SqliteWriteGate writeGate) : BackgroundService
{
    // Task.Delay on a TimeProvider takes at most ~49 days; waking daily and re-reading the outbox costs nothing.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private const int MaxErrorLength = 2000;

    private readonly SmtpOptions _options = options.Value;

    private enum Outcome
    {
        Sent,
        Failed,
        TakenByOther,
    }

    /// <summary>
    /// One pass: sends every mail due now (read in batches of <see cref="SmtpOptions.BatchSize"/>) and records each
    /// outcome. Safe to call while the hosted loop or another pass runs. Returns how many mails were sent.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
        var transport = scope.ServiceProvider.GetRequiredService<IMailTransport>();

        var sent = 0;
        while (true)
        {
            var now = timeProvider.GetUtcNow();
            var batch = await db.Mails.AsNoTracking()
                .Where(m => m.Status == MailStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
                .Take(_options.BatchSize)
                .ToListAsync(cancellationToken);

            var handled = 0;
            foreach (var mail in batch)
            {
                var outcome = await DeliverAsync(db, transport, mail, cancellationToken);
                sent += outcome == Outcome.Sent ? 1 : 0;
                handled += outcome == Outcome.TakenByOther ? 0 : 1;
            }

            // Every row read has left the due set (sent, rescheduled, failed, or claimed by another worker), so a
            // full batch means more may be waiting; a batch another worker took entirely is left to that worker.
            if (batch.Count < _options.BatchSize || handled == 0)
            {
                return sent;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Mail outbox worker started; relay {Host}:{Port}", _options.Host, _options.Port);
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? nextAttemptAt;
            try
            {
                await DeliverDueAsync(stoppingToken);
                nextAttemptAt = await NextAttemptAtAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is locked or unreachable: wait before the next pass instead of spinning on it;
                // a new commit's signal still wakes the worker earlier.
                logger.LogError(ex, "Mail outbox pass failed; next pass in {Delay}", _options.BaseRetryDelay);
                nextAttemptAt = timeProvider.GetUtcNow() + _options.BaseRetryDelay;
            }

            try
            {
                await WaitForWorkAsync(nextAttemptAt, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        logger.LogInformation("Mail outbox worker stopped");
    }

    private async Task<Outcome> DeliverAsync(WorkflowDbContext db, IMailTransport transport, OutgoingMail mail, CancellationToken cancellationToken)
    {
        var seen = mail.Attempts;
        if (seen >= _options.MaxAttempts)
        {
            // Only reachable when the last allowed attempt never reported back (crash or shutdown mid-send) or
            // MaxAttempts was lowered; sending once more would exceed the limit, so give up here.
            var error = mail.LastError ?? "最后一次投递中断，结果未知 (last attempt interrupted; outcome unknown)";
            var gaveUp = await writeGate.WriteAsync(() => db.Mails
                .Where(m => m.Id == mail.Id && m.Status == MailStatus.Pending && m.Attempts == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MailStatus.Failed).SetProperty(m => m.LastError, error), cancellationToken), cancellationToken);
            if (gaveUp == 0)
            {
                return Outcome.TakenByOther;
            }

            logger.LogError("Mail {MailId} of instance {InstanceId} failed after {Attempts} attempts: {Error}", mail.Id, mail.InstanceId, seen, error);
            return Outcome.Failed;
        }

        var attempt = seen + 1;
        var claimedUntil = timeProvider.GetUtcNow() + _options.ClaimTimeout;
        var claimed = await writeGate.WriteAsync(() => db.Mails
            .Where(m => m.Id == mail.Id && m.Status == MailStatus.Pending && m.Attempts == seen)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempt).SetProperty(m => m.NextAttemptAt, claimedUntil), cancellationToken), cancellationToken);
        if (claimed == 0)
        {
            logger.LogDebug("Mail {MailId} was claimed by another worker", mail.Id);
            return Outcome.TakenByOther;
        }

        try
        {
            await transport.SendAsync(mail, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-send: the relay may or may not have the mail, so the claim stands (see remarks).
            throw;
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(db, mail, attempt, ex);
            return Outcome.Failed;
        }

        // The relay has the mail: record that even if shutdown has begun, or the mail would be sent again.
        var sentAt = timeProvider.GetUtcNow();
        var recorded = await writeGate.WriteAsync(() => db.Mails
            .Where(m => m.Id == mail.Id && m.Status == MailStatus.Pending && m.Attempts == attempt)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MailStatus.Sent).SetProperty(m => m.SentAt, sentAt), CancellationToken.None), CancellationToken.None);
        if (recorded == 0)
        {
            logger.LogWarning("Mail {MailId} was sent after its claim lapsed; another worker may send it again (same Message-Id)", mail.Id);
        }

        logger.LogInformation("Mail {MailId} of instance {InstanceId} sent on attempt {Attempt}", mail.Id, mail.InstanceId, attempt);
        return Outcome.Sent;
    }

    private async Task RecordFailureAsync(WorkflowDbContext db, OutgoingMail mail, int attempt, Exception ex)
    {
        var error = Describe(ex);
        var permanent = ex is MailDeliveryException { IsPermanent: true };
        var claim = db.Mails.Where(m => m.Id == mail.Id && m.Status == MailStatus.Pending && m.Attempts == attempt);

        // CancellationToken.None: the attempt is spent either way, and an unrecorded failure would leave the mail
        // waiting for its claim to lapse instead of its back-off.
        if (permanent || attempt >= _options.MaxAttempts)
        {
            await writeGate.WriteAsync(() => claim.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MailStatus.Failed).SetProperty(m => m.LastError, error), CancellationToken.None), CancellationToken.None);
            // The recipient address is personal data (complainants); logs carry ids only.
            logger.LogError(ex, "Mail {MailId} of instance {InstanceId} failed after {Attempts} attempts{Permanent}: {Error}",
                mail.Id, mail.InstanceId, attempt, permanent ? " (refused permanently)" : "", error);
            return;
        }

        var nextAttemptAt = timeProvider.GetUtcNow() + _options.RetryDelay(attempt);
        await writeGate.WriteAsync(() => claim.ExecuteUpdateAsync(s => s.SetProperty(m => m.LastError, error).SetProperty(m => m.NextAttemptAt, nextAttemptAt), CancellationToken.None), CancellationToken.None);
        logger.LogWarning("Mail {MailId} attempt {Attempt} of {MaxAttempts} failed, next at {NextAttemptAt}: {Error}",
            mail.Id, attempt, _options.MaxAttempts, nextAttemptAt, error);
    }

    private static string Describe(Exception ex)
    {
        var text = ex is MailDeliveryException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    private async Task<DateTimeOffset?> NextAttemptAtAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
        var next = await db.Mails
            .Where(m => m.Status == MailStatus.Pending)
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.NextAttemptAt)
            .Take(1)
            .ToListAsync(cancellationToken);
        return next.Count == 0 ? null : next[0];
    }

    /// <summary>Returns on a signal, when <paramref name="nextAttemptAt"/> arrives, or on shutdown.</summary>
    private async Task WaitForWorkAsync(DateTimeOffset? nextAttemptAt, CancellationToken stoppingToken)
    {
        var delay = nextAttemptAt - timeProvider.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var signalled = signal.WaitAsync(wake.Token).AsTask();
        var due = delay is { } wait
            ? Task.Delay(wait < LongestWait ? wait : LongestWait, timeProvider, wake.Token)
            : Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, wake.Token);
        // Logged only once both waits are armed, so an observer that sees it may move the clock.
        logger.LogDebug("Mail outbox idle; next attempt due at {NextAttemptAt}", nextAttemptAt);

        await Task.WhenAny(signalled, due);
        // Cancel the loser: an abandoned read on the signal would swallow the next wake-up.
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }
}
