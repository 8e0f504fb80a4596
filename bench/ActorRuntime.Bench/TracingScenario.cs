using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorRuntime.Bench.Targets;
using static ActorRuntime.Bench.ScenarioCommon;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>tracing</c> scenario: what exporting every span costs. Two pairs of <c>actorrt run</c> processes run side by
/// side, each pair a machine-local cluster of its own (gateway A, and gateway B in front of the echo app): one pair
/// without <c>--config</c>, the other with <c>spec.tracing.samplingRate: "1"</c> and a Zipkin exporter pointed at a
/// receiver in this process. Workloads: service invocation (bench → A → B → app) and state save+get on A (in-memory
/// store). Rows alternate off/on, so both see the same machine; the report gives traced ÷ untraced ops/s.
/// </summary>
internal static class TracingScenario
{
    private const string Invoke = "invoke A → B → app";
    private const string State = "state save+get";
    private const double CostGoal = 0.10;

    private sealed record Row(string Workload, bool Traced, int Round, RowResult Result, long Spans);

    private sealed record Pair(RuntimeProcess A, RuntimeProcess B);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);
        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);
        var resources = await InMemoryResourcesAsync();
        var homes = new[] { Directory.CreateTempSubdirectory("actorrt-bench-trace-off-").FullName, Directory.CreateTempSubdirectory("actorrt-bench-trace-on-").FullName };
        using var http = NewHttpClient(o);
        var body = Encoding.UTF8.GetBytes("{\"id\":42,\"name\":\"bench\",\"note\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");

        var rows = new List<Row>();
        var started = new List<RuntimeProcess>();
        EchoApp? app = null;
        ZipkinReceiver? zipkin = null;
        try
        {
            app = await EchoApp.StartAsync();
            zipkin = await ZipkinReceiver.StartAsync();
            var config = Path.Combine(resources, "..", $"tracing-{stamp}.yaml");
            await File.WriteAllTextAsync(config, $"""
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata:
                  name: tracing
                spec:
                  tracing:
                    samplingRate: "1"
                    zipkin:
                      endpointAddress: "{zipkin.EndpointAddress}"
                """);
            async Task<Pair> StartPairAsync(bool traced)
            {
                var home = homes[traced ? 1 : 0];
                var tag = traced ? "on" : "off";
                string[] extra = traced ? ["--config", config] : [];
                var b = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("benchb", resources, Path.Combine(o.ResultsDir, $"tracing-{stamp}-{tag}-b.log"))
                    { AppPort = app.Port, Home = home, InProcessCluster = false, Environment = o.RuntimeEnvironment, ExtraArguments = extra }, http);
                started.Add(b);
                var a = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("bencha", resources, Path.Combine(o.ResultsDir, $"tracing-{stamp}-{tag}-a.log"))
                    { Home = home, InProcessCluster = false, Environment = o.RuntimeEnvironment, ExtraArguments = extra }, http);
                started.Add(a);
                var via = new Uri($"http://127.0.0.1:{a.HttpPort}/v1.0/invoke/benchb/method/echo");
                await WaitUntilAsync($"app B callable through gateway A (tracing {tag})", TimeSpan.FromSeconds(90),
                    async () => await SendOkAsync(http, HttpMethod.Post, via, body, "invoke via A"), a.Tail);
                return new Pair(a, b);
            }
            Console.Error.WriteLine($"bench: echo app on {app.Port}, Zipkin receiver on {zipkin.Port}; starting the untraced and the traced pair of runtimes");
            var off = await StartPairAsync(traced: false);
            var on = await StartPairAsync(traced: true);

            BenchOp InvokeOp(Pair p)
            {
                var uri = new Uri($"http://127.0.0.1:{p.A.HttpPort}/v1.0/invoke/benchb/method/echo");
                return _ => SendOkAsync(http, HttpMethod.Post, uri, body, "invoke");
            }
            BenchOp StateOp(Pair p)
            {
                var save = new Uri($"http://127.0.0.1:{p.A.HttpPort}/v1.0/state/statestore");
                return async i =>
                {
                    var key = "k" + (i % o.Keys).ToString(CultureInfo.InvariantCulture);
                    await SendOkAsync(http, HttpMethod.Post, save, Encoding.UTF8.GetBytes($"[{{\"key\":\"{key}\",\"value\":{{\"n\":{i}}}}}]"), "save");
                    await SendOkAsync(http, HttpMethod.Get, new Uri(save, "statestore/" + key), null, "get");
                };
            }
            var workloads = new (string Name, Func<Pair, BenchOp> Op)[] { (Invoke, InvokeOp), (State, StateOp) };
            var runner = new RowRunner([
                new("bench", () => Process.GetCurrentProcess()),
                new("off A", () => off.A.Process), new("off B", () => off.B.Process),
                new("on A", () => on.A.Process), new("on B", () => on.B.Process)]);

            Console.Error.WriteLine($"bench: initial warm-up, {o.Callers.Max()} callers for ≤ {o.InitialWarmup.TotalSeconds:0.#} s per target");
            foreach (var w in workloads)
                foreach (var p in new[] { off, on })
                    await runner.WarmAsync(o.Callers.Max(), w.Op(p), new LoopLimits(o.InitialWarmup, 100_000));

            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            for (var round = 1; round <= o.Rounds; round++)
                foreach (var callers in o.Callers)
                    foreach (var w in workloads)
                        foreach (var traced in new[] { false, true })
                        {
                            if (started.Any(r => r.HasExited)) throw new BenchFailedException("a runtime exited; see the logs in " + o.ResultsDir);
                            var label = $"{w.Name} tracing {(traced ? "on" : "off")} x{callers}";
                            if (o.Filters.Length > 0 && !o.Filters.Any(f => label.Contains(f, StringComparison.OrdinalIgnoreCase))) continue;
                            var before = zipkin.Spans;
                            var r = await MeasureAsync(o, runner, label, callers, w.Op(traced ? on : off), warmup, measure);
                            rows.Add(new Row(w.Name, traced, round, r, zipkin.Spans - before));
                        }
            await Task.Delay(TimeSpan.FromSeconds(2)); // the last batch of spans
            Console.Error.WriteLine($"bench: the Zipkin receiver got {zipkin.Spans:N0} spans in all; app B answered {app.Calls:N0} calls");
        }
        finally
        {
            foreach (var r in started) await r.DisposeAsync();
            if (zipkin is not null) await zipkin.DisposeAsync();
            if (app is not null) await app.DisposeAsync();
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
            foreach (var h in homes)
                try { Directory.Delete(h, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        await WriteResultAsync(o, "tracing", stamp, Render(o, environment, startedAt, rows));
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
        sb.AppendLine("### Tracing cost: samplingRate \"1\" with a Zipkin exporter vs. tracing off");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops; {o.Rounds} round(s); off and on rows alternate. Closed loop. Invoke op: `POST` of a 75-byte JSON body through gateway A → gateway B → echo app. State op: save then get of one of {o.Keys:N0} keys on gateway A (in-memory store).");
        sb.AppendLine("- Spans/op: spans the Zipkin receiver got during the row ÷ ops (export batches leave every second, so a row's count is approximate).");
        sb.AppendLine("- CPU µs/op: CPU time over the measured part of the row ÷ ops, for the bench (load, echo app and Zipkin receiver) / gateway A / gateway B of the pair the row used.");
        sb.AppendLine();
        sb.AppendLine("| workload | tracing | callers | ops/s | p50 ms | p99 ms | spans/op | CPU µs/op bench / A / B | others (cores) | errors |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var cpu = r.Traced ? Cpu(r.Result, "bench", "on A", "on B") : Cpu(r.Result, "bench", "off A", "off B");
            var spans = r.Result.Ops > 0 ? (r.Spans / (double)r.Result.Ops).ToString("0.0", inv) : "–";
            sb.AppendLine(inv, $"| {r.Workload} | {(r.Traced ? "on" : "off")} | {r.Result.Callers} | {r.Result.OpsPerSecond:N0} | {Ms(r.Result.P50Ms)} | {Ms(r.Result.P99Ms)} | {(r.Traced ? spans : "0")} | {cpu} | {r.Result.OtherCores:0.00} | {Errors(r.Result)} |");
        }
        sb.AppendLine();
        sb.AppendLine("#### Traced ÷ untraced (medians over rounds); goal: cost under 10%");
        sb.AppendLine();
        sb.AppendLine("| workload | callers | ops/s on ÷ off | cost | p50 on − off | result |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var w in rows.Select(r => r.Workload).Distinct())
            foreach (var c in rows.Select(r => r.Result.Callers).Distinct())
            {
                var offRows = rows.Where(r => r.Workload == w && !r.Traced && r.Result.Callers == c).Select(r => r.Result).ToList();
                var onRows = rows.Where(r => r.Workload == w && r.Traced && r.Result.Callers == c).Select(r => r.Result).ToList();
                if (offRows.Count == 0 || onRows.Count == 0) continue;
                var ratio = Median(onRows.Select(x => x.OpsPerSecond)) / Median(offRows.Select(x => x.OpsPerSecond));
                var addedP50 = Median(onRows.Select(x => x.P50Ms)) - Median(offRows.Select(x => x.P50Ms));
                sb.AppendLine(inv, $"| {w} | {c} | {ratio * 100:0}% | {(1 - ratio) * 100:0}% | {addedP50:+0.000;-0.000} ms | {(1 - ratio <= CostGoal ? "met" : "missed")} |");
            }
        return sb.ToString();
    }
}
