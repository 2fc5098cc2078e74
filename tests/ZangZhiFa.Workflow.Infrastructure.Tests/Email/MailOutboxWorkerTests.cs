using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Email;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Email;

/// <summary>
/// The outbox worker against a real SQLite file, the real MailKit transport and a real SMTP server in-process.
/// Time is a <see cref="FakeTimeProvider"/>: back-off is crossed by advancing it, never by waiting.
/// </summary>
public sealed class MailOutboxWorkerTests : IAsyncLifetime
{
    // Only bounds a failing test; passing tests finish as soon as the awaited event happens.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private const string Recipient = "zhaxi@example.cn";
    private const string ChineseSubject = "【督办通知】关于拉萨市城关区市场监督管理局超期未办结事项的督办通知书";
    private const string NoticeHtml =
        "<h1>督办通知书</h1><p>城关区市场监督管理局：</p>" +
        "<p>你单位承办的<b>投诉举报</b>事项已超过办理期限，请于5个工作日内办结并书面报告。</p>" +
        "<p>བཀྲ་ཤིས་བདེ་ལེགས།</p>";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "zangzhifa-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.FromHours(8)));
    private readonly RecordingLoggerProvider _log = new();
    private readonly List<ServiceProvider> _providers = [];
    private InProcessSmtpServer _smtp = null!;

    private string ConnectionString => $"Data Source={Path.Combine(_folder, "zangzhifa.db")};Pooling=False";

    public async Task InitializeAsync()
    {
        _smtp = await InProcessSmtpServer.StartAsync();
        await using var db = NewDbContext();
        await DatabaseInitializer.MigrateAsync(db, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _smtp.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task DeliverDueAsync_DeliversChineseMailIntactAndMarksSent_WhenMailIsDue()
    {
        var worker = CreateServices().GetRequiredService<MailOutboxWorker>();
        var mail = await QueueAsync();

        var sent = await worker.DeliverDueAsync(CancellationToken.None);

        sent.Should().Be(1);
        var received = _smtp.Received.Should().ContainSingle().Subject;
        received.EnvelopeTo.Should().Equal(Recipient);
        var message = received.Message;
        message.Subject.Should().Be(ChineseSubject);
        Encoding.ASCII.GetString(message.Headers.First(h => h.Id == HeaderId.Subject).RawValue)
            .Should().ContainEquivalentOf("=?utf-8?", "a Chinese subject travels as an RFC 2047 encoded-word");
        message.MessageId.Should().Be($"{mail.Id:N}@zangzhifa.local");
        message.From.Mailboxes.Should().ContainSingle().Which.Name.Should().Be("西藏自治区行政执法监督平台");
        message.HtmlBody.Should().Contain("你单位承办的<b>投诉举报</b>事项已超过办理期限").And.Contain("བཀྲ་ཤིས་བདེ་ལེགས།");
        message.TextBody.Should().Contain("督办通知书\n\n城关区市场监督管理局：")
            .And.Contain("你单位承办的投诉举报事项已超过办理期限").And.Contain("བཀྲ་ཤིས་བདེ་ལེགས།").And.NotContain("<");

        var row = await ReloadAsync(mail.Id);
        row.Status.Should().Be(MailStatus.Sent);
        row.SentAt.Should().Be(_time.GetUtcNow());
        row.Attempts.Should().Be(1);
        row.LastError.Should().BeNull();
    }

    [Fact]
    public async Task DeliverDueAsync_RetriesAfterBackOffAndDeliversOnce_WhenServerRejectsFirstTwoAttempts()
    {
        var services = CreateServices();
        var worker = services.GetRequiredService<MailOutboxWorker>();
        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        _smtp.RejectNext(2);
        var mail = await QueueAsync();

        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(0);
        var afterFirst = await ReloadAsync(mail.Id);
        afterFirst.Status.Should().Be(MailStatus.Pending);
        afterFirst.Attempts.Should().Be(1);
        afterFirst.LastError.Should().StartWith("SMTP 451");
        afterFirst.NextAttemptAt.Should().Be(_time.GetUtcNow() + options.BaseRetryDelay);

        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(0, "the back-off has not passed");
        _smtp.Rejected.Should().HaveCount(1);

        _time.Advance(options.BaseRetryDelay);
        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(0);
        var afterSecond = await ReloadAsync(mail.Id);
        afterSecond.Attempts.Should().Be(2);
        afterSecond.NextAttemptAt.Should().Be(_time.GetUtcNow() + options.BaseRetryDelay * 2, "the back-off doubles");

        _time.Advance(options.BaseRetryDelay * 2);
        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(1);
        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(0);

        _smtp.Received.Should().ContainSingle();
        _smtp.Rejected.Should().HaveCount(2);
        _smtp.Rejected.Concat(_smtp.Received).Select(r => r.Message.MessageId)
            .Should().AllBe($"{mail.Id:N}@zangzhifa.local", "every attempt is the same message to the receiver");
        var row = await ReloadAsync(mail.Id);
        row.Status.Should().Be(MailStatus.Sent);
        row.Attempts.Should().Be(3);
        row.SentAt.Should().Be(_time.GetUtcNow());
    }

    [Fact]
    public async Task DeliverDueAsync_MarksFailedAndStopsSending_WhenMaxAttemptsReached()
    {
        var services = CreateServices(("Smtp:MaxAttempts", "3"));
        var worker = services.GetRequiredService<MailOutboxWorker>();
        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        _smtp.RejectNext(int.MaxValue);
        var mail = await QueueAsync();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(0);
            _time.Advance(options.MaxRetryDelay);
        }

        _time.Advance(TimeSpan.FromDays(2));
        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(0);

        var row = await ReloadAsync(mail.Id);
        row.Status.Should().Be(MailStatus.Failed);
        row.Attempts.Should().Be(3);
        row.LastError.Should().StartWith("SMTP 451");
        row.SentAt.Should().BeNull();
        _smtp.Rejected.Should().HaveCount(3, "nothing is sent after the last allowed attempt");
        _smtp.Received.Should().BeEmpty();
        _log.Records.Should().Contain(r => r.Level == LogLevel.Error && Equals(r.Values["MailId"], mail.Id));
    }

    [Fact]
    public async Task DeliverDueAsync_SendsNothing_WhenNextAttemptIsInTheFuture()
    {
        var worker = CreateServices().GetRequiredService<MailOutboxWorker>();
        var mail = await QueueAsync(notBefore: TimeSpan.FromMinutes(5));

        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(0);
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(0);

        _smtp.Received.Should().BeEmpty();
        _smtp.Rejected.Should().BeEmpty();
        var row = await ReloadAsync(mail.Id);
        row.Status.Should().Be(MailStatus.Pending);
        row.Attempts.Should().Be(0);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(1);
    }

    [Fact]
    public async Task DeliverDueAsync_FailsAtOnceAndDeliversTheRest_WhenRecipientIsRefusedOrInvalid()
    {
        var worker = CreateServices().GetRequiredService<MailOutboxWorker>();
        _smtp.RefuseRecipient("nobody@example.cn");
        var refused = await QueueAsync(to: "nobody@example.cn");
        _time.Advance(TimeSpan.FromSeconds(1));
        var invalid = await QueueAsync(to: "不是邮箱地址");
        _time.Advance(TimeSpan.FromSeconds(1));
        var good = await QueueAsync();

        (await worker.DeliverDueAsync(CancellationToken.None)).Should().Be(1);

        _smtp.Received.Should().ContainSingle().Which.Message.MessageId.Should().Be($"{good.Id:N}@zangzhifa.local");
        var refusedRow = await ReloadAsync(refused.Id);
        refusedRow.Status.Should().Be(MailStatus.Failed);
        refusedRow.Attempts.Should().Be(1);
        refusedRow.LastError.Should().StartWith("SMTP 550");
        var invalidRow = await ReloadAsync(invalid.Id);
        invalidRow.Status.Should().Be(MailStatus.Failed);
        invalidRow.Attempts.Should().Be(1);
        (await ReloadAsync(good.Id)).Status.Should().Be(MailStatus.Sent);
    }

    [Fact]
    public async Task DeliverDueAsync_DeliversEachMailExactlyOnce_WhenPassesRunConcurrently()
    {
        var services = CreateServices(("Smtp:BatchSize", "7"));
        var workers = Enumerable.Range(0, 3).Select(_ => ActivatorUtilities.CreateInstance<MailOutboxWorker>(services)).ToList();
        var mails = new List<OutgoingMail>();
        for (var i = 0; i < 30; i++)
        {
            mails.Add(await QueueAsync(to: $"unit{i}@example.cn"));
        }

        var sent = await Task.WhenAll(workers.Select(w => Task.Run(() => w.DeliverDueAsync(CancellationToken.None))));

        sent.Sum().Should().Be(30);
        _smtp.Received.Select(r => r.Message.MessageId)
            .Should().BeEquivalentTo(mails.Select(m => $"{m.Id:N}@zangzhifa.local"), "each mail arrives once");
        await using var db = NewDbContext();
        var rows = await db.Mails.AsNoTracking().ToListAsync();
        rows.Should().HaveCount(30).And.OnlyContain(m => m.Status == MailStatus.Sent && m.Attempts == 1);
    }

    [Fact]
    public async Task ExecuteAsync_DeliversMail_WhenCommitSignalsTheWorker()
    {
        var services = CreateServices();
        var worker = services.GetRequiredService<MailOutboxWorker>();
        await worker.StartAsync(CancellationToken.None);
        await _log.WaitForAsync(r => IsIdle(r) && r.Values["NextAttemptAt"] is null, Patience);

        // Queue through the store, as a workflow step does: its commit raises the signal.
        var mail = NewMail(Recipient, _time.GetUtcNow());
        await using (var scope = services.CreateAsyncScope())
        {
            await using var store = new EfWorkflowStore(
                scope.ServiceProvider.GetRequiredService<WorkflowDbContext>(), _time, new TimerOutboxSignal(), services.GetRequiredService<MailOutboxSignal>(), services.GetRequiredService<SqliteWriteGate>());
            store.QueueMail(mail);
            await store.SaveChangesAsync(CancellationToken.None);
        }

        var received = await _smtp.WaitForMessagesAsync(1, Patience);
        await _log.WaitForAsync(r => IsSent(r, mail.Id), Patience);
        await worker.StopAsync(CancellationToken.None);

        received.Should().ContainSingle().Which.Message.Subject.Should().Be(ChineseSubject);
        (await ReloadAsync(mail.Id)).Status.Should().Be(MailStatus.Sent);
    }

    [Fact]
    public async Task ExecuteAsync_RetriesWithoutSignal_WhenBackOffFallsDue()
    {
        var services = CreateServices();
        var worker = services.GetRequiredService<MailOutboxWorker>();
        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        _smtp.RejectNext(1);
        var mail = await QueueAsync();

        await worker.StartAsync(CancellationToken.None);
        var idle = await _log.WaitForAsync(r => IsIdle(r) && r.Values["NextAttemptAt"] is DateTimeOffset, Patience);
        idle.Values["NextAttemptAt"].Should().Be(_time.GetUtcNow() + options.BaseRetryDelay);
        _smtp.Received.Should().BeEmpty();

        _time.Advance(options.BaseRetryDelay);
        var received = await _smtp.WaitForMessagesAsync(1, Patience);
        await _log.WaitForAsync(r => IsSent(r, mail.Id), Patience);
        await worker.StopAsync(CancellationToken.None);

        received.Should().ContainSingle();
        var row = await ReloadAsync(mail.Id);
        row.Status.Should().Be(MailStatus.Sent);
        row.Attempts.Should().Be(2);
    }

    [Fact]
    public void AddMailOutbox_RejectsOptions_WhenFromAddressIsMissing()
    {
        var services = CreateServices(("Smtp:FromAddress", ""));

        var read = () => services.GetRequiredService<IOptions<SmtpOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().WithMessage("*Smtp:FromAddress*");
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(7, 1920)]
    [InlineData(8, 3600)]
    [InlineData(50, 3600)]
    public void RetryDelay_DoublesUpToTheCap_WhenAttemptsFail(int failedAttempts, int expectedSeconds)
    {
        new SmtpOptions().RetryDelay(failedAttempts).Should().Be(TimeSpan.FromSeconds(expectedSeconds));
    }

    private static bool IsIdle(LogRecord record) => record.Message.StartsWith("Mail outbox idle", StringComparison.Ordinal);

    private static bool IsSent(LogRecord record, Guid mailId) =>
        record.Level == LogLevel.Information && record.Values.TryGetValue("MailId", out var id) && Equals(id, mailId) && record.Values.ContainsKey("Attempt");

    private ServiceProvider CreateServices(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = _smtp.Host,
            ["Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:SecureSocketOptions"] = "None",
            ["Smtp:FromAddress"] = "zfjd@xizang.example.cn",
            ["Smtp:Timeout"] = "00:00:10",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_log));
        services.AddSingleton<TimeProvider>(_time);
        services.AddDbContext<WorkflowDbContext>(db => db.UseWorkflowSqlite(ConnectionString, new SqlitePragmas("NORMAL")));
        services.AddSingleton(new SqliteWriteGate("NORMAL"));
        services.AddMailOutbox();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _providers.Add(provider);
        return provider;
    }

    private WorkflowDbContext NewDbContext() =>
        new(new DbContextOptionsBuilder<WorkflowDbContext>().UseWorkflowSqlite(ConnectionString, new SqlitePragmas("NORMAL")).Options);

    private static OutgoingMail NewMail(string to, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        InstanceId = Guid.CreateVersion7(now),
        To = to,
        Subject = ChineseSubject,
        HtmlBody = NoticeHtml,
        Status = MailStatus.Pending,
        CreatedAt = now,
        NextAttemptAt = now,
    };

    private async Task<OutgoingMail> QueueAsync(string to = Recipient, TimeSpan? notBefore = null)
    {
        var mail = NewMail(to, _time.GetUtcNow());
        mail.NextAttemptAt += notBefore ?? TimeSpan.Zero;
        await using var db = NewDbContext();
        db.Mails.Add(mail);
        await db.SaveChangesAsync();
        return mail;
    }

    private async Task<OutgoingMail> ReloadAsync(Guid id)
    {
        await using var db = NewDbContext();
        return await db.Mails.AsNoTracking().SingleAsync(m => m.Id == id);
    }
}
