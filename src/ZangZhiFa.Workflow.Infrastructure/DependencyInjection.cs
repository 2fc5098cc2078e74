using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Expressions;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Admin;
using ZangZhiFa.Workflow.Infrastructure.Calendar;
using ZangZhiFa.Workflow.Infrastructure.Definitions;
using ZangZhiFa.Workflow.Infrastructure.Email;
using ZangZhiFa.Workflow.Infrastructure.Notices;
using ZangZhiFa.Workflow.Infrastructure.Organization;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Scheduling;
using ZangZhiFa.Workflow.Infrastructure.Supervisors;

namespace ZangZhiFa.Workflow.Infrastructure;

/// <summary>Wires the engine to SQLite, Quartz, the calendar, the notice templates and e-mail.</summary>
public static class DependencyInjection
{
    public static IServiceCollection AddWorkflowInfrastructure(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var paths = (configuration.GetSection(ContentPaths.Section).Get<ContentPaths>() ?? new ContentPaths()).Resolve(AppContext.BaseDirectory);
        services.AddSingleton(Options.Create(storage));
        services.AddSingleton(paths);
        services.TryAddSingleton(TimeProvider.System);

        Directory.CreateDirectory(storage.ResolveDataDirectory(contentRoot));
        services.AddSingleton(new SqlitePragmas(storage.Synchronous));
        // Pooled: a fresh context builds its internal service scope on first use, ~0.2 ms of every request and step.
        services.AddDbContextPool<WorkflowDbContext>((sp, options) => options
            .UseWorkflowSqlite(storage.ConnectionString(contentRoot), sp.GetRequiredService<SqlitePragmas>(), sp.GetRequiredService<KeptConnections>()),
            poolSize: KeptSqliteConnection.PoolSize);
        // Made by the container (not registered as instances) so that the container disposes them when the host stops:
        // both hold open connections (the gate its writer's).
        services.AddSingleton(_ => new KeptConnections());
        services.AddSingleton(_ => new SqliteWriteGate(storage.Synchronous));
        services.AddSingleton<TimerOutboxSignal>();
        services.AddSingleton<MailOutboxSignal>();
        services.AddScoped<EfWorkflowStore>();
        services.AddScoped<IWorkflowStore>(sp => sp.GetRequiredService<EfWorkflowStore>());
        services.AddScoped<IOrgDirectory, EfOrgDirectory>();

        services.AddSingleton<ScriptEngine>();
        services.AddSingleton(_ => ActivityRegistry.CreateDefault());
        services.AddSingleton(sp => new ScribanNoticeRenderer(paths.Templates, sp.GetRequiredService<IWorkingCalendar>().UtcOffset));
        services.AddSingleton<INoticeRenderer>(sp => sp.GetRequiredService<ScribanNoticeRenderer>());
        services.AddSingleton(_ => new AdjustableWorkingCalendar(paths.Calendar));
        services.AddSingleton<IWorkingCalendar>(sp => sp.GetRequiredService<AdjustableWorkingCalendar>());
        services.AddSingleton(sp => new WorkflowValidator(
            sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<ScriptEngine>(), sp.GetRequiredService<INoticeRenderer>()));
        services.AddSingleton<DefinitionCatalog>();
        services.AddSingleton<IWorkflowDefinitionProvider>(sp => sp.GetRequiredService<DefinitionCatalog>());
        services.AddScoped(sp => new EngineServices(
            sp.GetRequiredService<IWorkflowStore>(),
            sp.GetRequiredService<IWorkflowDefinitionProvider>(),
            sp.GetRequiredService<ActivityRegistry>(),
            sp.GetRequiredService<ScriptEngine>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IWorkingCalendar>(),
            sp.GetRequiredService<INoticeRenderer>(),
            sp.GetRequiredService<IOrgDirectory>(),
            sp.GetServices<IWorkflowService>().ToDictionary(s => s.Name, StringComparer.Ordinal)));
        services.AddSingleton(new SupervisorRandom(Random.Shared));
        services.AddScoped<IWorkflowService, PickSupervisorService>();
        services.AddScoped<IWorkflowService, AppointSupervisorService>();
        services.AddScoped<WorkflowRunner>();

        SchedulerFile.UseWriteAheadLog(storage.SchedulerConnectionString(contentRoot));
        services.AddQuartz(quartz =>
        {
            quartz.UsePersistentStore(store =>
            {
                store.UseSqlite(storage.SchedulerConnectionString(contentRoot));
                store.ProvisionSchema();
            });
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        services.AddMailOutbox();
        services.AddSingleton<TimerOutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerOutboxDispatcher>());
        return services;
    }

    /// <summary>
    /// Start-up work that must finish before the first request: schema migration, reference data, demo
    /// accounts (when <c>Demo:Seed</c> is on) and the published definitions — refusing to start on an invalid one.
    /// </summary>
    public static async Task InitializeWorkflowAsync(this IServiceProvider services, IConfiguration configuration, Func<StaffUser, string?> demoPasswordHash, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
        var paths = scope.ServiceProvider.GetRequiredService<ContentPaths>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("ZangZhiFa.Startup");
        await DatabaseInitializer.MigrateAsync(db, cancellationToken);
        await ReferenceDataSeeder.SeedOrgUnitsAsync(db, paths.Seed, cancellationToken);
        if (configuration.GetValue<bool>("Demo:Seed"))
        {
            await ReferenceDataSeeder.SeedDemoUsersAsync(db, paths.Seed, demoPasswordHash, cancellationToken);
            await SupervisorSeeder.SeedAsync(db, paths.Seed, cancellationToken);
            logger.LogInformation("Demo accounts seeded");
        }

        // An admin's saved templates and calendar years replace the shipped files before any flow runs.
        var applied = await AdminContentLoader.ApplyAsync(db, scope.ServiceProvider.GetRequiredService<ScribanNoticeRenderer>(),
            scope.ServiceProvider.GetRequiredService<AdjustableWorkingCalendar>(), cancellationToken);
        logger.LogInformation("Applied {Count} admin-saved templates and calendar years", applied);

        var catalog = scope.ServiceProvider.GetRequiredService<DefinitionCatalog>();
        var (definitions, errors) = DefinitionCatalog.LoadFolder(paths.Workflows, scope.ServiceProvider.GetRequiredService<WorkflowValidator>());
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("流程定义校验失败 (invalid workflow definitions):\n" + string.Join("\n", errors));
        }

        foreach (var definition in definitions)
        {
            catalog.Publish(definition);
        }

        logger.LogInformation("Loaded {Count} workflow definitions from {Folder}", definitions.Count, paths.Workflows);
        var stored = await StoredDefinitions.LoadPublishedAsync(db, catalog, cancellationToken);
        logger.LogInformation("Loaded {Count} published designer versions from the database", stored);
    }
}
