using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>
/// Load driver for the public complaint endpoint of a running host: submits distinct complaints from
/// concurrent clients, prints accepted/s and latency, then checks every returned tracking number once
/// (no duplicates, none lost). Start the host with a high submit limit, e.g.
/// <c>dotnet run -c Release --project src/ZangZhiFa.Workflow.Web -- --urls http://127.0.0.1:5080 --RateLimits:SubmissionsPerMinute=1000000</c>.
/// </summary>
internal static class ComplaintLoad
{
    public static async Task<int> RunAsync(string baseUrl, int count, int concurrency, int warmUp)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (warmUp > 0)
        {
            // A fresh host compiles its hot paths a second time (tiered JIT) during its first thousands of
            // requests; measuring that would report the start-up, not the service.
            await SubmitAsync(client, warmUp, concurrency);
        }

        var (accepted, latencies, failures, elapsed) = await SubmitAsync(client, count, concurrency);
        var sorted = latencies.Order().ToArray();
        var numbers = accepted.Select(a => a.Number).ToList();
        var duplicates = numbers.Count - numbers.Distinct().Count();
        var lost = 0;
        foreach (var (number, code) in accepted)
        {
            using var check = await client.GetAsync(new Uri($"/api/complaints/{number}?queryCode={code}", UriKind.Relative));
            if (check.StatusCode != HttpStatusCode.OK)
            {
                lost++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"complaint load · {count} submissions after {warmUp} to warm up · {concurrency} clients · {baseUrl}\n" +
            $"| accepted/s | p50 ms | p99 ms | accepted | failed | duplicated | lost |\n|---:|---:|---:|---:|---:|---:|---:|\n" +
            $"| {accepted.Count / elapsed.TotalSeconds:F0} | {sorted[sorted.Length / 2]:F1} | {sorted[(int)(sorted.Length * 0.99)]:F1} | {accepted.Count} | {string.Join(" ", failures.Select(f => $"{(int)f.Key}×{f.Value}"))} | {duplicates} | {lost} |"));
        return failures.IsEmpty && duplicates == 0 && lost == 0 ? 0 : 1;
    }

    private static async Task<(ConcurrentBag<(string Number, string Code)> Accepted, ConcurrentBag<double> Latencies, ConcurrentDictionary<HttpStatusCode, int> Failures, TimeSpan Elapsed)> SubmitAsync(
        HttpClient client, int count, int concurrency)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var latencies = new ConcurrentBag<double>();
        var accepted = new ConcurrentBag<(string Number, string Code)>();
        var failures = new ConcurrentDictionary<HttpStatusCode, int>();
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var body = new JsonObject
                {
                    ["anonymous"] = i % 3 == 0,
                    ["complainantName"] = $"压测用户{i}",
                    ["phone"] = "13908900000",
                    ["respondentUnitCode"] = "540102-cgzf",
                    ["category"] = "简单粗暴执法",
                    ["description"] = $"压测 {run}-{i}：执法人员在检查过程中态度粗暴，未出示执法证件。",
                };
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/complaints") { Content = JsonContent.Create(body) };
                request.Headers.Add("Idempotency-Key", $"load-{run}-{i}");
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                    accepted.Add((created["trackingNumber"]!.GetValue<string>(), created["queryCode"]!.GetValue<string>()));
                }
                else
                {
                    failures.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                }
            }
        }));
        total.Stop();
        return (accepted, latencies, failures, total.Elapsed);
    }
}
