using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorRuntime.Bench.Targets;
using static ActorRuntime.Bench.ScenarioCommon;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>metrics</c> scenario: what Dapr's metrics cost. Two <c>actorrt run</c> processes front the same echo app (in
/// this process) with the same in-memory state store; one serves metrics (and is scraped every 5 s, as a Prometheus
/// would), the other runs with <c>--enable-metrics=false</c>. Rows alternate on/off for each op, so machine noise hits
/// both alike; the result is the ratio of throughput on ÷ off.
/// </summary>
internal static class MetricsScenario
{
    private const string On = "metrics on";
    private const string Off = "metrics off";
    private const double CostGoal = 0.10;
    private static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(5);

    private sealed record Row(string Op, string Mode, int Round, RowResult Result);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);
        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);
        var resources = await InMemoryResourcesAsync();
        using var http = NewHttpClient(o);
        var body = Encoding.UTF8.GetBytes("{\"id\":42,\"name\":\"bench\",\"note\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");
        var rows = new List<Row>();
        long scrapes = 0, scrapeBytes = 0;
        EchoApp? app = null;
        RuntimeProcess? on = null, off = null;
        using var stopScraping = new CancellationTokenSource();
        Task? scraper = null;
        try
        {
            app = await EchoApp.StartAsync();
            var metricsPort = FreePort();
            on = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("benchmetricson", resources, Path.Combine(o.ResultsDir, $"metrics-{stamp}-on.log"))
            {
                AppPort = app.Port, Environment = o.RuntimeEnvironment, ExtraArguments = ["--metrics-port", $"{metricsPort}"],
            }, http);
            off = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("benchmetricsoff", resources, Path.Combine(o.ResultsDir, $"metrics-{stamp}-off.log"))
            {
                AppPort = app.Port, Environment = o.RuntimeEnvironment, ExtraArguments = ["--enable-metrics=false"],
            }, http);
            Console.Error.WriteLine($"bench: echo app on {app.Port}; metrics on: pid {on.Process.Id} HTTP {on.HttpPort} metrics {metricsPort}; metrics off: pid {off.Process.Id} HTTP {off.HttpPort}");
            scraper = ScrapeAsync(http, new Uri($"http://127.0.0.1:{metricsPort}/metrics"), stopScraping.Token,
                bytes => { Interlocked.Increment(ref scrapes); Interlocked.Add(ref scrapeBytes, bytes); });

            (string Op, string Mode, BenchOp Run)[] Targets(RuntimeProcess rt, string mode)
            {
                var invoke = new Uri($"http://127.0.0.1:{rt.HttpPort}/v1.0/invoke/{(mode == On ? "benchmetricson" : "benchmetricsoff")}/method/echo");
                var state = new Uri($"http://127.0.0.1:{rt.HttpPort}/v1.0/state/statestore");
                return
                [
                    ("invoke", mode, i => SendOkAsync(http, HttpMethod.Post, invoke, body, "invoke " + mode)),
                    ("state save+get", mode, async i =>
                    {
                        var key = "k" + (i % 1000).ToString(CultureInfo.InvariantCulture);
                        await SendOkAsync(http, HttpMethod.Post, state, Encoding.UTF8.GetBytes($"[{{\"key\":\"{key}\",\"value\":{{\"n\":{i}}}}}]"), "save " + mode);
                        await SendOkAsync(http, HttpMethod.Get, new Uri(state, "statestore/" + key), null, "get " + mode);
                    }),
                ];
            }
            var onTargets = Targets(on, On);
            var offTargets = Targets(off, Off);
            // Per op and callers: on, then off, back to back.
            var planned = (from c in o.Callers
                           from i in Enumerable.Range(0, onTargets.Length)
                           from t in new[] { onTargets[i], offTargets[i] }
                           select (Callers: c, Target: t))
                .Where(p => o.Filters.Length == 0 || o.Filters.Any(f => Label(p.Target.Op, p.Target.Mode, p.Callers).Contains(f, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            var (pOn, pOff) = (on, off);
            var runner = new RowRunner([new("bench", () => Process.GetCurrentProcess()), new(On, () => pOn.Process), new(Off, () => pOff.Process)]);
            Console.Error.WriteLine($"bench: initial warm-up, {o.Callers.Max()} callers for ≤ {o.InitialWarmup.TotalSeconds:0.#} s per target");
            foreach (var t in onTargets.Concat(offTargets))
                await runner.WarmAsync(o.Callers.Max(), t.Run, new LoopLimits(o.InitialWarmup, 100_000));
            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            for (var round = 1; round <= o.Rounds; round++)
            {
                // Alternate which mode goes first each round: the second row of a pair runs on a warmer machine.
                var order = round % 2 == 1 ? planned : [.. planned.Chunk(2).SelectMany(pair => pair.Reverse())];
                foreach (var (callers, t) in order)
                {
                    if (pOn.HasExited || pOff.HasExited) throw new BenchFailedException($"a runtime exited (on: {pOn.HasExited}, off: {pOff.HasExited})");
                    rows.Add(new Row(t.Op, t.Mode, round, await MeasureAsync(o, runner, Label(t.Op, t.Mode, callers), callers, t.Run, warmup, measure)));
                }
            }
        }
        finally
        {
            await stopScraping.CancelAsync();
            if (scraper is not null) await scraper;
            if (on is not null) await on.DisposeAsync();
            if (off is not null) await off.DisposeAsync();
            if (app is not null) await app.DisposeAsync();
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
        }
        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        await WriteResultAsync(o, "metrics", stamp, Render(o, environment, startedAt, rows, scrapes, scrapeBytes));
        return rows.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    private static string Label(string op, string mode, int callers) => $"{op} {mode} x{callers}";

    /// <summary>Scrapes like a Prometheus would, so collection cost is part of what is measured.</summary>
    private static async Task ScrapeAsync(HttpClient http, Uri uri, CancellationToken ct, Action<long> scraped)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var text = await http.GetByteArrayAsync(uri, ct);
                scraped(text.Length);
                await Task.Delay(ScrapeInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopped
        }
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<Row> rows, long scrapes, long scrapeBytes)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Cost of metrics: invoke and state through the gateway, metrics on vs. off");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops; {o.Rounds} round(s), on/off rows back to back (order alternating per round). Closed loop.");
        sb.AppendLine(inv, $"- invoke = `POST /v1.0/invoke/<self>/method/echo` (75-byte JSON, the gateway calls the echo app); state save+get = `POST /v1.0/state/statestore` then `GET` of the same key (in-memory store, 1,000 keys). The metrics-on runtime was scraped {scrapes} times ({scrapeBytes / Math.Max(1, scrapes) / 1024.0:0} KiB each).");
        sb.AppendLine();
        sb.AppendLine("| op | metrics | callers | ops/s | p50 ms | p99 ms | CPU µs/op bench / runtime | others (cores) | errors |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var cpu = Cpu(r.Result, "bench", r.Mode);
            sb.AppendLine(inv, $"| {r.Op} | {(r.Mode == On ? "on" : "off")} | {r.Result.Callers} | {r.Result.OpsPerSecond:N0} | {Ms(r.Result.P50Ms)} | {Ms(r.Result.P99Ms)} | {cpu} | {r.Result.OtherCores:0.00} | {Errors(r.Result)} |");
        }
        sb.AppendLine();
        sb.AppendLine("#### Goal: metrics cost < 10% (medians over rounds of the back-to-back on/off pairs)");
        sb.AppendLine();
        sb.AppendLine("On a shared machine the load moves between rows; the two rows of a pair ran back to back, so their ratio is the");
        sb.AppendLine("steadier figure, and the runtime's CPU time per op (its own process only) steadier still.");
        sb.AppendLine();
        sb.AppendLine("| op | callers | ops/s on ÷ off (per pair, median) | runtime CPU µs/op on ÷ off (median) | result |");
        sb.AppendLine("|---|---:|---|---|---|");
        foreach (var g in rows.GroupBy(r => (r.Op, r.Result.Callers)))
        {
            var pairs = g.GroupBy(r => r.Round)
                .Select(p => (On: p.FirstOrDefault(r => r.Mode == On)?.Result, Off: p.FirstOrDefault(r => r.Mode == Off)?.Result))
                .Where(p => p.On is not null && p.Off is not null && p.Off.OpsPerSecond > 0)
                .ToList();
            if (pairs.Count == 0) continue;
            var tput = Median(pairs.Select(p => p.On!.OpsPerSecond / p.Off!.OpsPerSecond));
            var cpu = Median(pairs.Select(p => p.On!.CpuMicrosPerOp.GetValueOrDefault(On, double.NaN) / p.Off!.CpuMicrosPerOp.GetValueOrDefault(Off, double.NaN)));
            var cost = Math.Max(1 - tput, cpu - 1);
            sb.AppendLine(inv, $"| {g.Key.Op} | {g.Key.Callers} | {tput * 100:0}% ({string.Join(", ", pairs.Select(p => $"{p.On!.OpsPerSecond / p.Off!.OpsPerSecond * 100:0}"))}) | {cpu * 100:0}% ({string.Join(", ", pairs.Select(p => $"{p.On!.CpuMicrosPerOp.GetValueOrDefault(On, double.NaN):0}/{p.Off!.CpuMicrosPerOp.GetValueOrDefault(Off, double.NaN):0}"))}) | {(cost < CostGoal ? "met" : $"missed: costs {cost * 100:0}%")} |");
        }
        return sb.ToString();
    }
}
