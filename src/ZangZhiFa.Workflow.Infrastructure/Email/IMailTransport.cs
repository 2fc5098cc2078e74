using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Infrastructure.Email;

/// <summary>
/// Hands one outbox row to the mail system. Scoped: an implementation may keep its connection open for the
/// rest of a worker pass and close it when the scope ends.
/// </summary>
public interface IMailTransport
{
    /// <summary>
    /// Sends <paramref name="mail"/>; returns once the relay has accepted it. Throws on failure —
    /// <see cref="MailDeliveryException"/> with <see cref="MailDeliveryException.IsPermanent"/> when retrying cannot help.
    /// </summary>
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}

/// <summary>The relay refused a mail, or the mail can never be sent (e.g. an unparseable address).</summary>
public sealed class MailDeliveryException : Exception
{
    public MailDeliveryException()
    {
    }

    public MailDeliveryException(string message)
        : base(message)
    {
    }

    public MailDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MailDeliveryException(string message, bool isPermanent, Exception? innerException)
        : base(message, innerException)
    {
        IsPermanent = isPermanent;
    }

    /// <summary>True when the same mail would be refused again (unknown mailbox, bad address): no further attempts.</summary>
    public bool IsPermanent { get; }
}
