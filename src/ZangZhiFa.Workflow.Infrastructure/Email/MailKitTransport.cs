using System.Text;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;
using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Infrastructure.Email;

/// <summary>
/// <see cref="IMailTransport"/> over a MailKit <see cref="SmtpClient"/>. One connection per scope (a worker pass):
/// opened on the first mail, reused for the rest, closed with QUIT when the scope is disposed, and reopened after
/// any error that leaves the session in doubt.
/// </summary>
public sealed class MailKitTransport(IOptions<SmtpOptions> options) : IMailTransport, IAsyncDisposable, IDisposable
{
    private readonly SmtpOptions _options = options.Value;
    private SmtpClient? _client;

    /// <summary>The Message-Id (without angle brackets) of the outbox row <paramref name="mailId"/>.</summary>
    public string MessageIdFor(Guid mailId) => $"{mailId:N}@{_options.MessageIdDomain}";

    /// <summary>
    /// Builds the MIME message for <paramref name="mail"/>: UTF-8 throughout, HTML with a plain-text alternative.
    /// Everything that identifies the message (Message-Id, Date) comes from the row, so each retry produces the same
    /// message and a receiver that got an earlier attempt sees a duplicate, not a second mail.
    /// </summary>
    /// <exception cref="ParseException">The recipient address cannot be parsed.</exception>
    public MimeMessage CreateMessage(OutgoingMail mail)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(Encoding.UTF8, _options.FromName, _options.FromAddress));
        message.To.Add(MailboxAddress.Parse(mail.To));
        // Explicit UTF-8 so a Chinese subject is always an RFC 2047 encoded-word, never a legacy charset guess.
        message.Headers.Replace(HeaderId.Subject, Encoding.UTF8, mail.Subject);
        message.MessageId = MessageIdFor(mail.Id);
        message.Date = mail.CreatedAt;
        // RFC 3834: tells auto-responders (out-of-office replies) not to answer a system notice.
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = new TextPart(TextFormat.Plain);
        text.SetText(Encoding.UTF8, HtmlToPlainText.Convert(mail.HtmlBody));
        var html = new TextPart(TextFormat.Html);
        html.SetText(Encoding.UTF8, mail.HtmlBody);
        // multipart/alternative lists the plainest part first; clients show the last one they understand.
        message.Body = new MultipartAlternative { text, html };
        return message;
    }

    /// <inheritdoc/>
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        MimeMessage message;
        try
        {
            message = CreateMessage(mail);
        }
        catch (ParseException ex)
        {
            throw new MailDeliveryException($"收件地址无效 (invalid recipient address): {ex.Message}", isPermanent: true, ex);
        }

        using (message)
        {
            var client = await ConnectedClientAsync(cancellationToken);
            try
            {
                await client.SendAsync(message, cancellationToken);
            }
            catch (SmtpCommandException ex)
            {
                // The relay answered and refused this one message; the session stays usable for the next.
                // Only a 5xx on the recipient is final for this mail — a 5xx on the sender or on DATA is the
                // relay's configuration or policy, which an operator can fix while the mail waits.
                var permanent = ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500;
                throw new MailDeliveryException($"SMTP {(int)ex.StatusCode} {ex.Message}".TrimEnd(), permanent, ex);
            }
            catch
            {
                // Network or protocol trouble leaves the session in an unknown state: start afresh next time.
                await CloseAsync();
                throw;
            }
        }
    }

    private async Task<SmtpClient> ConnectedClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true })
        {
            return _client;
        }

        await CloseAsync();
        var client = new SmtpClient
        {
            Timeout = (int)_options.Timeout.TotalMilliseconds,
            CheckCertificateRevocation = _options.CheckCertificateRevocation,
        };
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, _options.ParseSecureSocketOptions(), cancellationToken);
            if (!string.IsNullOrEmpty(_options.UserName))
            {
                await client.AuthenticateAsync(_options.UserName, _options.Password ?? "", cancellationToken);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _client = client;
        return client;
    }

    private async Task CloseAsync()
    {
        if (_client is null)
        {
            return;
        }

        var client = _client;
        _client = null;
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None);
            }
        }
        catch (Exception)
        {
            // QUIT is a courtesy: every mail of the pass already has its outcome recorded.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
    }
}
