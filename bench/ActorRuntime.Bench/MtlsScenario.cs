using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorRuntime.Bench.Targets;
using static ActorRuntime.Bench.ScenarioCommon;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>mtls</c> scenario: the same two-process cluster twice, once with <c>--enable-mtls=false</c> and once with mTLS
/// (the default), measured in one run. Process A has no app (the bench calls it); process B hosts <see cref="ActorApp"/>.
/// Rows: service invocation A → B (gateway to gateway over the internal port) and actor calls through A's gateway to
/// actors hosted by B's app (grain calls between the silos and grain → gateway calls over the internal port).
/// </summary>
internal static class MtlsScenario
{
    private const double CostGoal = 0.15;
    private const int ActorIds = 256;

    private sealed record Row(string Link, bool Mtls, int Round, RowResult Result);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);
        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);
        var resources = await InMemoryResourcesAsync();
        using var http = NewHttpClient(o);
        var body = Encoding.UTF8.GetBytes("{\"n\":1}");
        var rows = new List<Row>();
        var started = new List<(RuntimeProcess Process, string Home)>();
        var apps = new List<ActorApp>();
        try
        {
            var setups = new List<(bool Mtls, RuntimeProcess A, RuntimeProcess B)>();
            foreach (var mtls in new[] { false, true })
            {
                var home = Directory.CreateTempSubdirectory($"actorrt-bench-mtls-{(mtls ? "on" : "off")}-").FullName;
                var app = await ActorApp.StartAsync();
                apps.Add(app);
                string[] flags = [$"--enable-mtls={(mtls ? "true" : "false")}"];
                var b = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("benchb", resources, Path.Combine(o.ResultsDir, $"mtls-{stamp}-{(mtls ? "on" : "off")}-b.log"))
                { AppPort = app.Port, Home = home, InProcessCluster = false, Environment = o.RuntimeEnvironment, ExtraArguments = flags }, http);
                started.Add((b, home));
                var a = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("bencha", resources, Path.Combine(o.ResultsDir, $"mtls-{stamp}-{(mtls ? "on" : "off")}-a.log"))
                { Home = home, InProcessCluster = false, Environment = o.RuntimeEnvironment, ExtraArguments = flags }, http);
                started.Add((a, home));
                var probe = new Uri($"http://127.0.0.1:{a.HttpPort}/v1.0/actors/{ActorApp.ActorType}/probe/method/ping");
                var invokeProbe = new Uri($"http://127.0.0.1:{a.HttpPort}/v1.0/invoke/benchb/method/actors/{ActorApp.ActorType}/inv/method/ping");
                await WaitUntilAsync($"actor call and invocation through A (mTLS {(mtls ? "on" : "off")})", TimeSpan.FromSeconds(120), async () =>
                {
                    await SendOkAsync(http, HttpMethod.Post, probe, body, "actor");
                    await SendOkAsync(http, HttpMethod.Put, invokeProbe, body, "invoke");
                }, () => a.Tail());
                setups.Add((mtls, a, b));
            }

            var runner = new RowRunner([new("bench", () => Process.GetCurrentProcess()),
                .. setups.SelectMany(s => new CpuProbe[] { new($"A {(s.Mtls ? "on" : "off")}", () => s.A.Process), new($"B {(s.Mtls ? "on" : "off")}", () => s.B.Process) })]);
            (string Link, bool Mtls, BenchOp Op) Target(string link, bool mtls, RuntimeProcess a)
            {
                // Invocation goes to the app's actor route as a plain method (PUT) on distinct ids; actor calls go through the grains.
                var uris = link == "invoke A → B"
                    ? Enumerable.Range(0, 16).Select(i => new Uri($"http://127.0.0.1:{a.HttpPort}/v1.0/invoke/benchb/method/actors/{ActorApp.ActorType}/inv{i}/method/m")).ToArray()
                    : Enumerable.Range(0, ActorIds).Select(i => new Uri($"http://127.0.0.1:{a.HttpPort}/v1.0/actors/{ActorApp.ActorType}/id{i}/method/m")).ToArray();
                var method = link == "invoke A → B" ? HttpMethod.Put : HttpMethod.Post;
                return (link, mtls, i => SendOkAsync(http, method, uris[i % uris.Length], body, link));
            }
            var targets = (from link in new[] { "invoke A → B", "actors via A" } from s in setups select Target(link, s.Mtls, s.A)).ToList();
            foreach (var t in targets) await runner.WarmAsync(o.Callers.Max(), t.Op, new LoopLimits(o.InitialWarmup, 100_000));
            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            for (var round = 1; round <= o.Rounds; round++)
                foreach (var callers in o.Callers)
                    foreach (var t in targets)
                    {
                        if (started.Any(p => p.Process.HasExited)) throw new BenchFailedException("a runtime exited; see the logs in " + o.ResultsDir);
                        var label = $"{t.Link} mTLS {(t.Mtls ? "on" : "off")} x{callers}";
                        rows.Add(new Row(t.Link, t.Mtls, round, await MeasureAsync(o, runner, label, callers, t.Op, warmup, measure)));
                    }
        }
        finally
        {
            foreach (var (p, _) in started) await p.DisposeAsync();
            foreach (var app in apps) await app.DisposeAsync();
            foreach (var home in started.Select(s => s.Home).Distinct())
                try { Directory.Delete(home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
        }
        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        await WriteResultAsync(o, "mtls", stamp, Render(o, environment, startedAt, rows));
        return rows.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### mTLS on vs. off: service invocation and actor calls across two `actorrt run` processes");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Two clusters of two processes each (A: no app; B: the actor app), one with `--enable-mtls=false`, one with mTLS on; all four run during every row. Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s, measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops; {o.Rounds} round(s). Closed loop.");
        sb.AppendLine();
        sb.AppendLine("| link | mTLS | callers | ops/s | p50 ms | p99 ms | errors |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            sb.AppendLine(inv, $"| {r.Link} | {(r.Mtls ? "on" : "off")} | {r.Result.Callers} | {r.Result.OpsPerSecond:N0} | {Ms(r.Result.P50Ms)} | {Ms(r.Result.P99Ms)} | {Errors(r.Result)} |");
        sb.AppendLine();
        sb.AppendLine("| goal: mTLS costs < 15% of throughput | callers | on vs off (medians over rounds) | result |");
        sb.AppendLine("|---|---:|---|---|");
        foreach (var link in rows.Select(r => r.Link).Distinct())
            foreach (var c in rows.Select(r => r.Result.Callers).Distinct())
            {
                var on = Median(rows.Where(r => r.Link == link && r.Mtls && r.Result.Callers == c).Select(r => r.Result.OpsPerSecond));
                var off = Median(rows.Where(r => r.Link == link && !r.Mtls && r.Result.Callers == c).Select(r => r.Result.OpsPerSecond));
                var cost = 1 - on / off;
                sb.AppendLine(inv, $"| {link} | {c} | {on:N0} vs {off:N0} ops/s: {cost * 100:0.0}% {(cost < 0 ? "faster" : "slower")} | {(cost < CostGoal ? "met" : "missed")} |");
            }
        return sb.ToString();
    }
}
