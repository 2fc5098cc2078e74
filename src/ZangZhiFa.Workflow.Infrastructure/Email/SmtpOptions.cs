namespace ZangZhiFa.Workflow.Infrastructure.Email;

/// <summary>
/// Configuration section <c>Smtp</c>: the relay the outbox worker delivers through, and how hard it tries.
/// With the defaults a mail is tried 8 times over roughly an hour (30 s, 1, 2, 4, 8, 16, 32 min apart)
/// before it is marked failed.
/// </summary>
public sealed class SmtpOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Smtp";

    /// <summary>SMTP relay host name or address.</summary>
    public string Host { get; set; } = "";

    /// <summary>SMTP port: 25 or 587 with STARTTLS, 465 with TLS on connect.</summary>
    public int Port { get; set; } = 25;

    /// <summary>
    /// A MailKit <see cref="MailKit.Security.SecureSocketOptions"/> name: <c>None</c>, <c>Auto</c>, <c>SslOnConnect</c>,
    /// <c>StartTls</c> or <c>StartTlsWhenAvailable</c>. <c>Auto</c> falls back to plain text on a relay without
    /// STARTTLS; set <c>StartTls</c> or <c>SslOnConnect</c> wherever the relay supports it so credentials never travel in clear.
    /// </summary>
    public string SecureSocketOptions { get; set; } = "Auto";

    /// <summary>Whether to check the relay certificate's revocation; an intranet without a reachable CRL may need <c>false</c>.</summary>
    public bool CheckCertificateRevocation { get; set; } = true;

    /// <summary>Account for SMTP AUTH; empty means the relay takes mail without authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>Password for <see cref="UserName"/>; supply it from the environment (<c>Smtp__Password</c>) or a secret store, never a committed appsettings file.</summary>
    public string? Password { get; set; }

    /// <summary>Envelope sender and <c>From</c> address.</summary>
    public string FromAddress { get; set; } = "";

    /// <summary>Display name in <c>From</c>.</summary>
    public string FromName { get; set; } = "西藏自治区行政执法监督平台";

    /// <summary>Right-hand side of the Message-Id built from the outbox row id (<c>&lt;{id:N}@{MessageIdDomain}&gt;</c>).</summary>
    public string MessageIdDomain { get; set; } = "zangzhifa.local";

    /// <summary>Attempts (the first one included) before a mail is marked <c>Failed</c>.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; it doubles after each further failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan BaseRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound of the back-off between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows read per query; a pass keeps reading batches until nothing is due.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Timeout of each SMTP command (connect, AUTH, DATA…).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a worker's claim on a mail keeps other workers away. It must outlast the slowest send; a mail whose
    /// worker died mid-send is tried again once it lapses.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The wait before the next attempt after <paramref name="failedAttempts"/> failures: doubling from <see cref="BaseRetryDelay"/>, capped.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        // No jitter: one worker per process and a single relay, so there is no herd to spread out, and tests can predict it.
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ticks = BaseRetryDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The parsed <see cref="SecureSocketOptions"/>; the options validator rejects unknown names at start-up.</summary>
    public MailKit.Security.SecureSocketOptions ParseSecureSocketOptions() =>
        Enum.TryParse<MailKit.Security.SecureSocketOptions>(SecureSocketOptions, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new InvalidOperationException($"Smtp:SecureSocketOptions '{SecureSocketOptions}' is not a MailKit SecureSocketOptions name");
}
