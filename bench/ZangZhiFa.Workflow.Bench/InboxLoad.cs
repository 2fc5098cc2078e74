using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Organization;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Tasks;

/// <summary>
/// Inbox query latency with a large backlog: seeds open tasks spread over every unit and role, then runs the
/// inbox's own query (scope rule + first page + total capped at 1000) for users at each level and prints p50/p99.
/// </summary>
internal static class InboxLoad
{
    private static readonly string[] Roles = ["受理员", "承办人", "法制审核员", "监督科长"];

    /// <summary>The host's default <c>Inbox:CountLimit</c>.</summary>
    private const int CountLimit = 1000;

    public static async Task<int> RunAsync(string root, int tasks, int queries, bool overHttp = false)
    {
        var folder = Directory.CreateTempSubdirectory("zzf-inbox-").FullName;
        try
        {
            var options = new DbContextOptionsBuilder<WorkflowDbContext>()
                .UseWorkflowSqlite($"Data Source={Path.Combine(folder, "inbox.db")};Pooling=True", new SqlitePragmas("NORMAL"))
                .Options;
            List<(string Code, string? Parent)> units;
            await using (var db = new WorkflowDbContext(options))
            {
                await DatabaseInitializer.MigrateAsync(db, CancellationToken.None);
                await ReferenceDataSeeder.SeedOrgUnitsAsync(db, Path.Combine(root, "seed"), CancellationToken.None);
                units = [.. (await db.OrgUnits.AsNoTracking().Where(u => u.Kind == "justice").ToListAsync()).Select(u => (u.Code, u.ParentCode))];
            }

            await SeedAsync(Path.Combine(folder, "inbox.db"), units, tasks);
            if (overHttp)
            {
                SqliteConnection.ClearAllPools();
                return await OverHttpAsync(root, folder, tasks, queries);
            }

            if (Environment.GetEnvironmentVariable("INBOX_PARTS") is not null)
            {
                await PartsAsync(options, units);
                return 0;
            }

            Console.WriteLine($"inbox query · {tasks:N0} open tasks over {units.Count} units · {queries} queries per user");
            Console.WriteLine("| user | visible | total shown | p50 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var (name, unit) in new[] { ("region clerk", "540000"), ("Lhasa clerk", "540100"), ("Chengguan clerk", "540102"), ("township clerk", "540102001") })
            {
                var scope = Scope(units, unit);
                var latencies = new double[queries];
                var shown = default(CappedCount);
                for (var i = -50; i < queries; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await using var db = new WorkflowDbContext(options);
                    await TaskQueries.KeepOpenAsync(db, CancellationToken.None);
                    var (mine, group, pool) = TaskQueries.Halves(db, "nobody", ["受理员"], scope);
                    var total = await TaskQueries.CountOpenAsync([mine, group, pool], CountLimit, CancellationToken.None);
                    var (rows, _) = await TaskQueries.OpenPageAsync([mine, group, pool], 1, 50, CancellationToken.None);
                    if (i >= 0)
                    {
                        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }

                    shown = total;
                    _ = rows;
                }

                Array.Sort(latencies);
                int visible;
                await using (var db = new WorkflowDbContext(options))
                {
                    // The exact figure, untimed, so the table shows what the capped count stands for.
                    var (mine, group, pool) = TaskQueries.Halves(db, "nobody", ["受理员"], scope);
                    visible = (await TaskQueries.CountOpenAsync([mine, group, pool], int.MaxValue - 1, CancellationToken.None)).Value;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} ({unit}) | {visible:N0} | {shown} | {latencies[queries / 2]:F1} | {latencies[(int)(queries * 0.99)]:F1} |"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    /// <summary>
    /// The inbox API end to end (<c>inbox … http</c>): starts the built host on the seeded file (demo accounts on), signs
    /// in as the region's and Lhasa's intake clerks and times <c>GET /api/tasks</c> — cookie check, scope, queries, JSON.
    /// </summary>
    private static async Task<int> OverHttpAsync(string root, string folder, int tasks, int queries)
    {
        var host = Path.Combine(root, "src", "ZangZhiFa.Workflow.Web", "bin", "Release", "net10.0");
        var port = FreePort();
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(host, "ZangZhiFa.Workflow.Web.dll"), "--urls", $"http://127.0.0.1:{port}", "--Demo:Seed=true",
                $"--Storage:DataDirectory={folder}", "--Storage:DatabaseFileName=inbox.db", "--Logging:LogLevel:Default=Warning",
            },
            WorkingDirectory = host,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start the host");
        _ = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            await WaitForHealthAsync(baseAddress, process, errors);
            Console.WriteLine($"inbox API over HTTP · {tasks:N0} open tasks · {queries} requests per user · GET /api/tasks (first page of 50)");
            Console.WriteLine("| user | total shown | p50 ms | p99 ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (user, unit) in new[] { ("clerk", "540000"), ("clerk.lasa", "540100") })
            {
                using var client = new HttpClient(new SocketsHttpHandler { UseCookies = true }) { BaseAddress = baseAddress };
                using (var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = "Demo#2026" }))
                {
                    login.EnsureSuccessStatusCode();
                }

                var latencies = new double[queries];
                var shown = "";
                for (var i = -50; i < queries; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.GetAsync(new Uri("/api/tasks", UriKind.Relative));
                    var body = await response.Content.ReadAsStringAsync();
                    response.EnsureSuccessStatusCode();
                    if (i >= 0)
                    {
                        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }

                    shown = TotalOf(body);
                }

                Array.Sort(latencies);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {user} ({unit}) | {shown} | {latencies[queries / 2]:F1} | {latencies[(int)(queries * 0.99)]:F1} |"));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return 0;
    }

    private static string TotalOf(string body)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(body);
        var total = json?["total"]?.ToString() ?? "?";
        return json?["totalIsLowerBound"]?.GetValue<bool>() == true ? total + "+" : total;
    }

    private static async Task WaitForHealthAsync(Uri baseAddress, Process process, Task<string> errors)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        for (var started = Stopwatch.StartNew(); started.Elapsed < TimeSpan.FromSeconds(90);)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("the host stopped: " + await errors);
            }

            try
            {
                using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("the host did not answer /health within 90 s");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Where an inbox read's time goes (<c>INBOX_PARTS=1</c>): process CPU and wall time per call for each query on
    /// its own, for a region and a township user. CPU time hardly moves with other processes' load; wall time does.
    /// </summary>
    private static async Task PartsAsync(DbContextOptions<WorkflowDbContext> options, List<(string Code, string? Parent)> units)
    {
        string[] parts = ["context+open", "mine count", "group count", "pool count", "mine page", "group page", "pool page", "whole read"];
        foreach (var unit in new[] { "540000", "540102001" })
        {
            var scope = Scope(units, unit);
            foreach (var part in parts)
            {
                using var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var wall = Stopwatch.GetTimestamp();
                for (var i = 0; i < 300; i++)
                {
                    await using var db = new WorkflowDbContext(options);
                    await TaskQueries.KeepOpenAsync(db, CancellationToken.None);
                    var (mine, group, pool) = TaskQueries.Halves(db, "nobody", ["受理员"], scope);
                    IReadOnlyList<IQueryable<ZangZhiFa.Workflow.Engine.Model.WorkflowTask>> halves =
                        part.StartsWith("mine", StringComparison.Ordinal) ? [mine]
                        : part.StartsWith("group", StringComparison.Ordinal) ? [group]
                        : part.StartsWith("pool", StringComparison.Ordinal) ? [pool]
                        : part == "whole read" ? [mine, group, pool] : [];
                    if (part.EndsWith("count", StringComparison.Ordinal) || part == "whole read")
                    {
                        await TaskQueries.CountOpenAsync(halves, CountLimit, CancellationToken.None);
                    }

                    if (part.EndsWith("page", StringComparison.Ordinal) || part == "whole read")
                    {
                        await TaskQueries.OpenPageAsync(halves, 1, 50, CancellationToken.None);
                    }
                }

                process.Refresh();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{unit} {part}: cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds / 300:F2} ms, wall {Stopwatch.GetElapsedTime(wall).TotalMilliseconds / 300:F2} ms"));
            }
        }
    }

    private static IReadOnlySet<string> Scope(List<(string Code, string? Parent)> units, string top)
    {
        var scope = new HashSet<string> { top };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (code, parent) in units)
            {
                if (parent is not null && scope.Contains(parent) && scope.Add(code))
                {
                    grew = true;
                }
            }
        }

        return scope;
    }

    private static async Task SeedAsync(string file, List<(string Code, string? Parent)> units, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var tx = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO workflow_tasks (Id, InstanceId, BookmarkId, ActivityId, DefinitionId, CorrelationId, Title, AssigneeRole, OrgUnitCode, OutcomesJson, FormJson, Status, CreatedAt, DueAt, EscalationLevel, Revision) " +
            "VALUES ($id, $instance, $bookmark, 'review', 'complaint-intake', $case, $title, $role, $unit, '[\"受理\",\"不予受理\",\"转办\"]', '[]', 'Open', $created, $due, 0, 0)";
        var p = new[] { "$id", "$instance", "$bookmark", "$case", "$title", "$role", "$unit", "$created", "$due" }.ToDictionary(n => n, n => insert.Parameters.Add(n, SqliteType.Text));
        insert.Prepare();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            p["$id"].Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
            p["$instance"].Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
            p["$bookmark"].Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
            p["$case"].Value = $"TS-2026-{i:000000}";
            p["$title"].Value = $"受理审查：TS-2026-{i:000000}";
            p["$role"].Value = Roles[i % Roles.Length];
            p["$unit"].Value = units[i % units.Count].Code;
            p["$created"].Value = start + (i * 1000L);
            p["$due"].Value = start + (i * 1000L) + (7L * 86_400_000);
            await insert.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }
}
