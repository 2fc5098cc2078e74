using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Expressions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Calendar;
using ZangZhiFa.Workflow.Infrastructure.Notices;
using ZangZhiFa.Workflow.Infrastructure.Organization;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

// Engine throughput on SQLite, beside a raw-SQLite baseline measured in the same run and the same
// durability setting. Usage: dotnet run -c Release --project bench/ZangZhiFa.Workflow.Bench -- [count] [FULL|NORMAL] [nohistory] [clients=N]
// Complaint load on a running host: ... -- load http://127.0.0.1:5080 [count=5000] [clients=32] [warm-up=count]
// Inbox query with a backlog: ... -- inbox [tasks=200000] [queries=200] [http]  ("http": through the built host's API)
if (args is ["load", var url, ..])
{
    var submissions = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5000;
    return await ComplaintLoad.RunAsync(url, submissions,
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32,
        args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : submissions);
}

if (args is ["inbox", ..])
{
    return await InboxLoad.RunAsync(FindRoot(),
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200,
        overHttp: args.Contains("http"));
}

// [count=3000] [FULL|NORMAL] [nohistory] [clients=1]: clients > 1 runs that many operations at once (a server's
// requests), where commits share log flushes (SqliteWriteGate); "nohistory" skips the 100,000-instance phase.
var count = args.FirstOrDefault(a => a.All(char.IsAsciiDigit)) is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 3000;
var synchronous = args.FirstOrDefault(a => a.ToUpperInvariant() is "FULL" or "NORMAL" or "EXTRA" or "OFF")?.ToUpperInvariant() ?? "FULL";
var withHistory = !args.Contains("nohistory");
var clients = args.FirstOrDefault(a => a.StartsWith("clients=", StringComparison.Ordinal)) is { } c ? int.Parse(c["clients=".Length..], CultureInfo.InvariantCulture) : 1;
var root = FindRoot();
var folder = Directory.CreateTempSubdirectory("zzf-bench-").FullName;
Console.WriteLine($"ZangZhiFa engine benchmark · {count} operations each · synchronous={synchronous} · {clients} client(s) · {Environment.ProcessorCount} cores · {TimeProvider.System.GetLocalNow():yyyy-MM-dd}");

try
{
    var baseline = await BaselineAsync(Path.Combine(folder, "baseline.db"), synchronous, count);
    var (starts, completions) = await EngineAsync(Path.Combine(folder, "engine.db"), synchronous, count, root, clients, history: false);
    var (laterStarts, laterCompletions) = withHistory
        ? await EngineAsync(Path.Combine(folder, "history.db"), synchronous, count, root, clients, history: true)
        : (starts, completions);
    Console.WriteLine();
    Console.WriteLine("| measurement | ops/s | p50 ms | p99 ms | ratio to baseline | CPU ms/op | KB/op |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    Print("raw SQLite tx (5 inserts, WAL)", baseline, baseline);
    Print("engine: start → first task, committed", starts, baseline);
    Print("engine: complete task → next tasks, committed", completions, baseline);
    if (withHistory)
    {
        Print("… with 100,000 finished instances and 20 versions: start", laterStarts, baseline);
        Print("… with 100,000 finished instances and 20 versions: complete", laterCompletions, baseline);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"history effect: starts {laterStarts.PerSecond / starts.PerSecond:P0}, completions {laterCompletions.PerSecond / completions.PerSecond:P0} of the empty store (target ≥ 80 %)"));
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

return 0;

static void Print(string name, Result result, Result baseline) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {result.PerSecond:F0} | {result.P50:F2} | {result.P99:F2} | {result.PerSecond / baseline.PerSecond:F2} | {result.CpuMs:F3} | {result.AllocatedKb:F0} |"));

static async Task<Result> BaselineAsync(string file, string synchronous, int count)
{
    await using var connection = new SqliteConnection($"Data Source={file}");
    await connection.OpenAsync();
    await Exec(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c INTEGER);");
    await MeasureAsync(count, Transaction);
    return await MeasureAsync(count, Transaction);

    async Task Transaction(int _)
    {
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        for (var i = 0; i < 5; i++)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO t (a, b, c) VALUES ('案件', '{\"k\":\"v\"}', 42)";
            await insert.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
    }

    static async Task Exec(SqliteConnection c, string sql)
    {
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

static async Task<(Result Starts, Result Completions)> EngineAsync(string file, string synchronous, int count, string root, int clients, bool history)
{
    using var kept = new KeptConnections();
    var options = new DbContextOptionsBuilder<WorkflowDbContext>()
        .UseWorkflowSqlite($"Data Source={file};Pooling=True", new SqlitePragmas(synchronous), kept)
        .Options;
    await using (var db = new WorkflowDbContext(options))
    {
        await DatabaseInitializer.MigrateAsync(db, CancellationToken.None);
        await ReferenceDataSeeder.SeedOrgUnitsAsync(db, Path.Combine(root, "seed"), CancellationToken.None);
    }

    var scripts = new ScriptEngine();
    var activities = ActivityRegistry.CreateDefault();
    var notices = new ScribanNoticeRenderer(Path.Combine(root, "templates"));
    var calendar = WorkingCalendar.Load(Path.Combine(root, "calendar"));
    var catalog = new DefinitionCatalog();
    var (definitions, errors) = DefinitionCatalog.LoadFolder(Path.Combine(root, "workflows"), new WorkflowValidator(activities, scripts, notices));
    if (errors.Count > 0)
    {
        throw new InvalidOperationException(string.Join("\n", errors));
    }

    foreach (var definition in definitions)
    {
        catalog.Publish(definition);
    }

    if (history)
    {
        // Twenty published versions (the measured starts use the latest) and a long tail of finished cases.
        var demo = definitions.Single(d => d.Id == "demo-supervision");
        for (var version = 2; version <= 20; version++)
        {
            var copy = WorkflowDefinitionSerializer.Deserialize(WorkflowDefinitionSerializer.Serialize(demo), "bench");
            copy.Version = version;
            catalog.Publish(copy);
        }

        await SeedHistoryAsync(file, 100_000);
    }

    var time = TimeProvider.System;
    using var gate = new SqliteWriteGate(synchronous);
    // Pooled, as the host registers it.
    var contexts = new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<WorkflowDbContext>(options, KeptSqliteConnection.PoolSize);

    async Task InUnitAsync(Func<WorkflowRunner, Task> work)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var store = new EfWorkflowStore(db, time, new TimerOutboxSignal(), new MailOutboxSignal(), gate);
        var runner = new WorkflowRunner(new EngineServices(store, catalog, activities, scripts, time, calendar, notices, new EfOrgDirectory(db)), NullLogger<WorkflowRunner>.Instance);
        var t0 = Stopwatch.GetTimestamp();
        await work(runner);
        var t1 = Stopwatch.GetTimestamp();
        await store.SaveChangesAsync(CancellationToken.None);
        Phase.Add(t0, t1);
    }

    var inputs = new JsonObject { ["caseTitle"] = "基准测试事项", ["unitCode"] = "540102", ["applicantName"] = "测试", ["applicantEmail"] = "" };
    Task Start(int i, string prefix) => InUnitAsync(runner =>
        runner.StartAsync("demo-supervision", (JsonObject)inputs.DeepClone(), new StartOptions($"{prefix}-{i}"), CancellationToken.None));
    Task Complete(Guid task) => InUnitAsync(runner => runner.CompleteTaskAsync(task, new ResumeInput("bench", "受理"), CancellationToken.None));

    // Warm-up of both kinds of operation until the JIT has tiered their hot paths up (a server reaches that within its
    // first minutes); completions run code that starts never touch (fork, the second and third task).
    for (var i = 0; i < count; i++)
    {
        await Start(i, "WARM");
    }

    var warmTasks = await ReviewTasksAsync("WARM");
    for (var i = 0; i < count; i++)
    {
        await Complete(warmTasks[i]);
    }

    Phase.Take();
    var held = gate.HeldTicks;
    var starts = await MeasureAsync(count, i => Start(i, "BENCH"), clients);
    Console.WriteLine($"starts: {Phase.Take()}, {Turn()}");
    var taskIds = await ReviewTasksAsync("BENCH");
    held = gate.HeldTicks;
    var completions = await MeasureAsync(count, i => Complete(taskIds[i]), clients);
    Console.WriteLine($"completions: {Phase.Take()}, {Turn()}");
    return (starts, completions);

    // The single writer's turn is the limit under load: how long each operation held it.
    string Turn() => string.Create(CultureInfo.InvariantCulture, $"write turn {(gate.HeldTicks - held) * 1000.0 / Stopwatch.Frequency / count:F3} ms");

    async Task<Guid[]> ReviewTasksAsync(string prefix)
    {
        var ids = new Guid[count];
        await using var db = new WorkflowDbContext(options);
        var open = await db.Tasks.AsNoTracking()
            .Where(t => t.ActivityId == "review" && t.Status == WorkflowTaskStatus.Open && t.CorrelationId!.StartsWith(prefix + "-"))
            .Select(t => new { t.Id, t.CorrelationId })
            .ToListAsync();
        foreach (var task in open)
        {
            ids[int.Parse(task.CorrelationId![(prefix.Length + 1)..], CultureInfo.InvariantCulture)] = task.Id;
        }

        return ids;
    }
}

static async Task SeedHistoryAsync(string file, int instances)
{
    await using var connection = new SqliteConnection($"Data Source={file}");
    await connection.OpenAsync();
    await using var tx = connection.BeginTransaction();
    await using var instance = connection.CreateCommand();
    instance.Transaction = tx;
    instance.CommandText = "INSERT INTO workflow_instances (Id, DefinitionId, DefinitionVersion, Status, CorrelationId, VariablesJson, StateJson, CreatedAt, UpdatedAt, FinishedAt, Revision) " +
        "VALUES ($id, 'demo-supervision', $version, 'Completed', $case, '{\"caseTitle\":\"历史事项\"}', '{}', $at, $at, $at, 3)";
    var id = instance.Parameters.Add("$id", SqliteType.Text);
    var version = instance.Parameters.Add("$version", SqliteType.Integer);
    var caseNumber = instance.Parameters.Add("$case", SqliteType.Text);
    var at = instance.Parameters.Add("$at", SqliteType.Integer);
    await using var task = connection.CreateCommand();
    task.Transaction = tx;
    task.CommandText = "INSERT INTO workflow_tasks (Id, InstanceId, BookmarkId, ActivityId, DefinitionId, CorrelationId, Title, AssigneeRole, OrgUnitCode, OutcomesJson, FormJson, Status, CreatedAt, CompletedAt, Outcome, EscalationLevel, Revision) " +
        "VALUES ($tid, $id, $tid, 'review', 'demo-supervision', $case, '受理审查：历史事项', '受理员', '540102', '[]', '[]', 'Completed', $at, $at, '受理', 0, 1)";
    var taskId = task.Parameters.Add("$tid", SqliteType.Text);
    task.Parameters.Add(id);
    task.Parameters.Add(caseNumber);
    task.Parameters.Add(at);
    var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    for (var i = 0; i < instances; i++)
    {
        id.Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
        taskId.Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
        version.Value = 1 + (i % 20);
        caseNumber.Value = $"HIST-{i:000000}";
        at.Value = start + (i * 60_000L);
        await instance.ExecuteNonQueryAsync();
        await task.ExecuteNonQueryAsync();
    }

    await tx.CommitAsync();
}

static async Task<Result> MeasureAsync(int count, Func<int, Task> operation, int clients = 1)
{
    var latencies = new double[count];
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var allocated = GC.GetTotalAllocatedBytes();
    var total = Stopwatch.StartNew();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var started = Stopwatch.GetTimestamp();
            await operation(i);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    })));

    total.Stop();
    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    allocated = GC.GetTotalAllocatedBytes() - allocated;
    Array.Sort(latencies);
    return new Result(count / total.Elapsed.TotalSeconds, latencies[count / 2], latencies[(int)(count * 0.99)], cpu.TotalMilliseconds / count, allocated / 1024.0 / count);
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ZangZhiFa.Workflow.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run the benchmark from inside the repository");
}

/// <param name="CpuMs">Processor time of the whole process per operation: unlike wall time it barely moves when
/// other work shares the machine, so it is the figure to compare changes by on a busy box.</param>
/// <param name="AllocatedKb">Managed memory allocated per operation (the whole process's), which the garbage collector pays for.</param>
internal sealed record Result(double PerSecond, double P50, double P99, double CpuMs, double AllocatedKb);

/// <summary>Where each operation's time went: engine run vs. commit (incl. waiting for the write turn and the flush).</summary>
internal static class Phase
{
    private static long _run;
    private static long _save;
    private static long _n;

    public static void Add(long started, long ran)
    {
        Interlocked.Add(ref _run, ran - started);
        Interlocked.Add(ref _save, Stopwatch.GetTimestamp() - ran);
        Interlocked.Increment(ref _n);
    }

    public static string Take()
    {
        var n = Math.Max(1, Interlocked.Exchange(ref _n, 0));
        var run = Interlocked.Exchange(ref _run, 0) * 1000.0 / Stopwatch.Frequency / n;
        var save = Interlocked.Exchange(ref _save, 0) * 1000.0 / Stopwatch.Frequency / n;
        return string.Create(CultureInfo.InvariantCulture, $"run {run:F3} ms, save {save:F3} ms");
    }
}
