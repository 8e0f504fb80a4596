using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorRuntime.Bench.Targets;
using static ActorRuntime.Bench.ScenarioCommon;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>invoke</c> scenario: service invocation app A → app B. App B is <see cref="EchoApp"/> in this process; the
/// bench plays app A. Rows: direct (bench → app B), via two gateways (bench → gateway A → gateway B → app B, two
/// <c>actorrt run</c> processes in one machine-local cluster sharing a temporary ACTORRT_HOME), and via one gateway
/// (bench → gateway B → app B). Rows are grouped by callers, every target back to back.
/// </summary>
internal static class InvokeScenario
{
    private const string Direct = "direct bench → app B";
    private const string TwoGateways = "via gateway A → gateway B";
    private const string OneGateway = "via gateway B only";
    private const double ThroughputGoal = 0.40;
    private const double AddedP50GoalMs = 0.5;

    private sealed record Row(string Target, int Round, RowResult Result);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);
        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);
        var resources = await InMemoryResourcesAsync();
        var home = Directory.CreateTempSubdirectory("actorrt-bench-invoke-home-").FullName;
        using var http = NewHttpClient(o);
        var body = Encoding.UTF8.GetBytes("{\"id\":42,\"name\":\"bench\",\"note\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");

        var rows = new List<Row>();
        EchoApp? app = null;
        RuntimeProcess? gatewayA = null, gatewayB = null;
        try
        {
            app = await EchoApp.StartAsync();
            Console.Error.WriteLine($"bench: app B (echo) on port {app.Port}; starting gateway B (--app-id benchb --app-port {app.Port}) and gateway A (--app-id bencha) in one machine-local cluster (ACTORRT_HOME {home})");
            var logB = Path.Combine(o.ResultsDir, $"invoke-{stamp}-gateway-b.log");
            var logA = Path.Combine(o.ResultsDir, $"invoke-{stamp}-gateway-a.log");
            gatewayB = await RuntimeProcess.StartAsync(actorrt,
                new RuntimeStart("benchb", resources, logB) { AppPort = app.Port, Home = home, InProcessCluster = false, Environment = o.RuntimeEnvironment }, http);
            gatewayA = await RuntimeProcess.StartAsync(actorrt,
                new RuntimeStart("bencha", resources, logA) { Home = home, InProcessCluster = false, Environment = o.RuntimeEnvironment }, http);
            Console.Error.WriteLine($"bench: gateway A pid {gatewayA.Process.Id} HTTP {gatewayA.HttpPort}; gateway B pid {gatewayB.Process.Id} HTTP {gatewayB.HttpPort}");

            var directUri = new Uri($"http://127.0.0.1:{app.Port}/echo");
            var viaA = new Uri($"http://127.0.0.1:{gatewayA.HttpPort}/v1.0/invoke/benchb/method/echo");
            var viaB = new Uri($"http://127.0.0.1:{gatewayB.HttpPort}/v1.0/invoke/benchb/method/echo");
            var a = gatewayA;
            await WaitUntilAsync("app B callable through gateway A", TimeSpan.FromSeconds(90),
                async () => await SendOkAsync(http, HttpMethod.Post, viaA, body, "invoke via A"), () => a.Tail());

            BenchOp Call(Uri uri, string what) => i => SendOkAsync(http, HttpMethod.Post, uri, body, what);
            var targets = new (string Name, BenchOp Op)[]
            {
                (Direct, Call(directUri, "direct")),
                (TwoGateways, Call(viaA, "via A")),
                (OneGateway, Call(viaB, "via B")),
            };
            var planned = (from c in o.Callers from t in targets select (c, t))
                .Where(p => o.Filters.Length == 0 || o.Filters.Any(f => Label(p.t.Name, p.c).Contains(f, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            var gwA = gatewayA;
            var gwB = gatewayB;
            var runner = new RowRunner([new("bench", () => Process.GetCurrentProcess()), new("gateway A", () => gwA.Process), new("gateway B", () => gwB.Process)]);

            Console.Error.WriteLine($"bench: initial warm-up, {o.Callers.Max()} callers for ≤ {o.InitialWarmup.TotalSeconds:0.#} s per target");
            foreach (var t in targets.Where(t => planned.Any(p => p.t.Name == t.Name)))
                await runner.WarmAsync(o.Callers.Max(), t.Op, new LoopLimits(o.InitialWarmup, 100_000));

            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            for (var round = 1; round <= o.Rounds; round++)
            {
                foreach (var (callers, t) in planned)
                {
                    if (gwA.HasExited || gwB.HasExited) throw new BenchFailedException($"a gateway exited (A: {gwA.HasExited}, B: {gwB.HasExited}); logs {logA}, {logB}");
                    rows.Add(new Row(t.Name, round, await MeasureAsync(o, runner, Label(t.Name, callers), callers, t.Op, warmup, measure)));
                }
            }
            Console.Error.WriteLine($"bench: app B answered {app.Calls:N0} calls in all");
        }
        finally
        {
            if (gatewayA is not null) await gatewayA.DisposeAsync();
            if (gatewayB is not null) await gatewayB.DisposeAsync();
            if (app is not null) await app.DisposeAsync();
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
            try { Directory.Delete(home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        await WriteResultAsync(o, "invoke", stamp, Render(o, environment, startedAt, rows));
        return rows.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    private static string Label(string target, int callers) => $"{target} x{callers}";

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Service invocation: app A → app B, direct vs. through the gateways");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops; {o.Rounds} round(s), rows grouped by callers. Closed loop. One op = `POST` of a 75-byte JSON body, answered with the same body (200).");
        sb.AppendLine("- CPU µs/op: CPU time over the measured part of the row ÷ ops, for the bench (load generator and app B) / gateway A process / gateway B process (each `actorrt run` = silo + gateway). Others: cores used by every other process meanwhile (noise).");
        sb.AppendLine();
        sb.AppendLine("| target | callers | ops/s | p50 ms | p99 ms | ÷ direct ops/s | CPU µs/op bench / gw A / gw B | others (cores) | errors |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var d = rows.FirstOrDefault(x => x.Target == Direct && x.Result.Callers == r.Result.Callers && x.Round == r.Round);
            var ratio = r.Target != Direct && d is not null && d.Result.OpsPerSecond > 0 ? $"{r.Result.OpsPerSecond / d.Result.OpsPerSecond * 100:0}%" : "";
            sb.AppendLine(inv, $"| {r.Target} | {r.Result.Callers} | {r.Result.OpsPerSecond:N0} | {Ms(r.Result.P50Ms)} | {Ms(r.Result.P99Ms)} | {ratio} | {Cpu(r.Result, "bench", "gateway A", "gateway B")} | {r.Result.OtherCores:0.00} | {Errors(r.Result)} |");
        }
        sb.AppendLine();
        sb.AppendLine("#### Goals (two gateways vs. direct; medians over rounds)");
        sb.AppendLine();
        sb.AppendLine("| goal | callers | measured | result |");
        sb.AppendLine("|---|---:|---|---|");
        foreach (var c in rows.Select(r => r.Result.Callers).Distinct())
        {
            var d = rows.Where(r => r.Target == Direct && r.Result.Callers == c).Select(r => r.Result).ToList();
            var g = rows.Where(r => r.Target == TwoGateways && r.Result.Callers == c).Select(r => r.Result).ToList();
            if (d.Count == 0 || g.Count == 0) continue;
            var tput = Median(g.Select(x => x.OpsPerSecond)) / Median(d.Select(x => x.OpsPerSecond));
            sb.AppendLine(inv, $"| ≥ 40% of direct throughput | {c} | {tput * 100:0}% ({Median(g.Select(x => x.OpsPerSecond)):N0} vs {Median(d.Select(x => x.OpsPerSecond)):N0} ops/s) | {(tput >= ThroughputGoal ? "met" : $"missed by {(ThroughputGoal - tput) * 100:0} points")} |");
            if (c == 1)
            {
                var added = Median(g.Select(x => x.P50Ms)) - Median(d.Select(x => x.P50Ms));
                sb.AppendLine(inv, $"| added p50 < 0.5 ms | 1 | +{added:0.000} ms ({Ms(Median(g.Select(x => x.P50Ms)))} vs {Ms(Median(d.Select(x => x.P50Ms)))} ms) | {(added < AddedP50GoalMs ? "met" : $"missed by {added - AddedP50GoalMs:0.000} ms")} |");
            }
        }
        return sb.ToString();
    }
}
