using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace ZangZhiFa.Workflow.Web.Tests.Support;

/// <summary>
/// The real web host (SQLite files, Quartz on its SQLite store, MailKit) in a temp data folder, on a fake
/// clock. Disposing it and creating another on the same <see cref="DataDirectory"/> is a restart.
/// </summary>
public sealed class WorkflowHost : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Monday0900 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly bool _ownsData;
    private readonly IReadOnlyDictionary<string, string> _settings;

    public WorkflowHost(string? dataDirectory = null, FakeTimeProvider? time = null, int? smtpPort = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _ownsData = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("zzf-host-").FullName;
        Time = time ?? new FakeTimeProvider(Monday0900);
        SmtpPort = smtpPort;
        _settings = settings ?? new Dictionary<string, string>();
    }

    public string DataDirectory { get; }

    public FakeTimeProvider Time { get; }

    public int? SmtpPort { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Demo:Seed", "true");
        // Tests submit many complaints from one address; the limit itself is tested with its own setting.
        builder.UseSetting("RateLimits:SubmissionsPerMinute", "100000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (SmtpPort is { } port)
        {
            builder.UseSetting("Smtp:Host", "127.0.0.1");
            builder.UseSetting("Smtp:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<FiringProbe>();
            services.AddSingleton<Quartz.IJobListener>(sp => sp.GetRequiredService<FiringProbe>());
        });
    }

    /// <summary>Runs <paramref name="work"/> in a DI scope of the running host, as a request would.</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task InScopeAsync(Func<IServiceProvider, Task> work) =>
        InScopeAsync<bool>(async sp =>
        {
            await work(sp);
            return true;
        });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsData)
        {
            DeleteData(DataDirectory);
        }
    }

    /// <summary>Deletes the data folder; call when no host on it runs any more.</summary>
    public static void DeleteData(string dataDirectory)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner if a file is still held; the test outcome does not depend on it.
        }
    }
}
