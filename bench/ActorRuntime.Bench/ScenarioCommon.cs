using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace ActorRuntime.Bench;

/// <summary>What the <c>invoke</c> and <c>actors</c> scenarios share: the HTTP client, readiness polling, row printing.</summary>
internal static class ScenarioCommon
{
    public static readonly MediaTypeHeaderValue Json = new("application/json");

    public static HttpClient NewHttpClient(BenchOptions o) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = Math.Max(64, o.Callers.Max() * 2),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Sends one request with a small JSON body and checks for 200 (and drains the answer).</summary>
    public static async ValueTask SendOkAsync(HttpClient http, HttpMethod method, Uri uri, byte[]? body, string what)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = Json;
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NoContent))
        {
            var text = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"{what}: {(int)response.StatusCode} {Shorten(text)}");
        }
    }

    /// <summary>Repeats <paramref name="attempt"/> until it succeeds, bounded in time; fails the run with the last error.</summary>
    public static async Task WaitUntilAsync(string what, TimeSpan timeout, Func<Task> attempt, Func<string>? context = null)
    {
        var sw = Stopwatch.StartNew();
        string? last = null;
        while (sw.Elapsed < timeout)
        {
            try
            {
                await attempt();
                Console.Error.WriteLine($"bench: {what} after {sw.Elapsed.TotalSeconds:0.0} s");
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        throw new BenchFailedException($"{what}: not within {timeout.TotalSeconds:0} s; last error: {last}{(context is null ? "" : "\n" + context())}");
    }

    public static async Task<RowResult> MeasureAsync(BenchOptions o, RowRunner runner, string label, int callers, BenchOp op,
        LoopLimits warmup, LoopLimits measure)
    {
        if (o.QuietMaxWait > TimeSpan.Zero)
        {
            var (waited, load) = await runner.WaitForQuietAsync(o.QuietThreshold, o.QuietMaxWait);
            if (waited >= TimeSpan.FromSeconds(1))
                Console.Error.WriteLine($"     (waited {waited.TotalSeconds:0} s for the machine to quiet down; other processes at {load:0.00} cores)");
        }
        var r = await runner.RunAsync(label, callers, op, warmup, measure);
        Console.Error.WriteLine($"  {label,-48} {r.OpsPerSecond,10:N0} ops/s  p50 {r.P50Ms,7:0.000} ms  p99 {r.P99Ms,7:0.000} ms  n={r.Ops:N0}  others {r.OtherCores:0.00} cores" +
            (r.Errors > 0 ? $"  {r.Errors} errors: {r.FirstError}" : ""));
        return r;
    }

    public static string Cpu(RowResult r, params string[] processes) =>
        string.Join(" / ", processes.Select(p => r.CpuMicrosPerOp.TryGetValue(p, out var us) ? us.ToString("0", CultureInfo.InvariantCulture) : "?"));

    public static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms.ToString(ms < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    public static string Errors(RowResult r) => r.Errors > 0 ? $"{r.Errors} ({r.FirstError})" : "0";

    public static string Shorten(string s) => s.Length > 200 ? s[..200] + "…" : s;

    public static async Task WriteResultAsync(BenchOptions o, string scenario, string stamp, string markdown)
    {
        var file = Path.Combine(o.ResultsDir, $"{scenario}-{stamp}.md");
        await File.WriteAllTextAsync(file, markdown);
        await File.WriteAllTextAsync(Path.Combine(o.ResultsDir, $"{scenario}-latest.md"), markdown);
        Console.WriteLine(markdown);
        Console.Error.WriteLine($"bench: results written to {file} (and {scenario}-latest.md beside it)");
    }

    /// <summary>A resources folder with one in-memory state store marked as the actor state store.</summary>
    public static async Task<string> InMemoryResourcesAsync()
    {
        var dir = Directory.CreateTempSubdirectory("actorrt-bench-components-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "statestore.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.in-memory
              version: v1
              metadata:
              - name: actorStateStore
                value: "true"
            """);
        return dir;
    }
}
