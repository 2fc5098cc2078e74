namespace ZangZhiFa.Workflow.Engine.Model;

public enum MailStatus
{
    Pending = 0,
    Sent = 1,
    Failed = 2,
}

/// <summary>
/// An e-mail queued in the same transaction as the step that decided to send it (outbox). A worker
/// delivers it later with retries; <see cref="Id"/> doubles as the Message-Id so a retry is never a second mail.
/// </summary>
public sealed class OutgoingMail
{
    public Guid Id { get; set; }

    public Guid? InstanceId { get; set; }

    public Guid? NoticeId { get; set; }

    public string To { get; set; } = "";

    public string Subject { get; set; } = "";

    public string HtmlBody { get; set; } = "";

    public MailStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? LastError { get; set; }
}
