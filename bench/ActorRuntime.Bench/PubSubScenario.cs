using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorRuntime.Bench.Targets;
using static ActorRuntime.Bench.ScenarioCommon;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>pubsub</c> scenario: publish-to-delivery. One op = publish one event and wait until the subscriber app has
/// received it, so ops/s is events delivered per second and the latencies are end to end. Targets: the runtime with
/// <c>pubsub.in-memory</c>, <c>pubsub.redis</c> and <c>pubsub.sqlite</c> (the embedded default), publishing over
/// HTTP to one <c>actorrt run</c> whose app is <see cref="SubscriberApp"/> in this process; and StackExchange.Redis
/// <c>XADD</c>/<c>XREADGROUP</c>/<c>XACK</c> driven directly against the same Redis.
/// </summary>
internal static class PubSubScenario
{
    private const string Direct = "direct SE.Redis XADD/XREADGROUP/XACK";
    private static readonly (string Label, string Component)[] Gateways =
    [
        ("runtime pubsub.in-memory", "mempubsub"),
        ("runtime pubsub.redis", "redispubsub"),
        ("runtime pubsub.sqlite (default)", "sqlitepubsub"),
    ];

    private sealed record Row(string Target, int Round, RowResult Result);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);
        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);
        var topic = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var resources = await ResourcesAsync();
        using var http = NewHttpClient(o);
        var rows = new List<Row>();
        SubscriberApp? app = null;
        RuntimeProcess? runtime = null;
        DirectRedisStreams? direct = null;
        long next = 0;
        try
        {
            app = await SubscriberApp.StartAsync([.. Gateways.Select(g => (g.Component, topic))]);
            var log = Path.Combine(o.ResultsDir, $"pubsub-{stamp}-runtime.log");
            runtime = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("benchsub", resources, log) { AppPort = app.Port, Environment = o.RuntimeEnvironment }, http);
            direct = await DirectRedisStreams.StartAsync("127.0.0.1:6390");
            var rt = runtime;
            var sub = app;

            BenchOp Publish(string component) => async i =>
            {
                var n = Interlocked.Increment(ref next);
                var arrived = sub.Expect(n);
                await SendOkAsync(http, HttpMethod.Post, new Uri($"http://127.0.0.1:{rt.HttpPort}/v1.0/publish/{component}/{topic}"),
                    Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), "publish");
                await arrived.WaitAsync(TimeSpan.FromSeconds(30));
            };
            var d = direct;
            var targets = new List<(string Name, BenchOp Op)> { (Direct, i => d.PublishAndWaitAsync(Interlocked.Increment(ref next))) };
            targets.AddRange(Gateways.Select(g => (g.Label, Publish(g.Component))));
            foreach (var g in Gateways)
                await WaitUntilAsync($"a first event through {g.Component}", TimeSpan.FromSeconds(90), async () => await Publish(g.Component)(0), () => rt.Tail());

            var planned = (from c in o.Callers from t in targets select (c, t))
                .Where(p => o.Filters.Length == 0 || o.Filters.Any(f => Label(p.t.Name, p.c).Contains(f, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            var runner = new RowRunner([new("bench", () => Process.GetCurrentProcess()), new("runtime", () => rt.Process)]);
            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            for (var round = 1; round <= o.Rounds; round++)
            {
                foreach (var (callers, t) in planned)
                {
                    if (rt.HasExited) throw new BenchFailedException($"the runtime exited; log {log}");
                    rows.Add(new Row(t.Name, round, await MeasureAsync(o, runner, Label(t.Name, callers), callers, t.Op, warmup, measure)));
                }
            }
            Console.Error.WriteLine($"bench: the subscriber received {app.Delivered:N0} events through the runtime");
        }
        finally
        {
            if (runtime is not null) await runtime.DisposeAsync();
            if (direct is not null) await direct.DisposeAsync();
            if (app is not null) await app.DisposeAsync();
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
        }

        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        await WriteResultAsync(o, "pubsub", stamp, Render(o, environment, startedAt, rows));
        return rows.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    private static string Label(string target, int callers) => $"{target} x{callers}";

    private static async Task<string> ResourcesAsync()
    {
        var dir = Directory.CreateTempSubdirectory("actorrt-bench-pubsub-").FullName;
        const string delivery = """
              - name: concurrency
                value: "64"
              - name: queueDepth
                value: "256"
            """;
        string Component(string name, string type, string metadata) => $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {name}
            spec:
              type: {type}
              version: v1
              metadata:
            {metadata}{delivery}
            """;
        await File.WriteAllTextAsync(Path.Combine(dir, "mem.yaml"), Component("mempubsub", "pubsub.in-memory", ""));
        await File.WriteAllTextAsync(Path.Combine(dir, "redis.yaml"), Component("redispubsub", "pubsub.redis", "  - name: redisHost\n    value: 127.0.0.1:6390\n"));
        await File.WriteAllTextAsync(Path.Combine(dir, "sqlite.yaml"), Component("sqlitepubsub", "pubsub.sqlite",
            $"  - name: connectionString\n    value: {Path.Combine(dir, "pubsub.sqlite")}\n"));
        return dir;
    }

    private static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<Row> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Pub/sub: publish to delivery, through the runtime vs. Redis Streams directly");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops; {o.Rounds} round(s). Closed loop: one op = publish one event (HTTP `POST /v1.0/publish`, 204) and wait until the subscriber app has it, so ops/s = events delivered/s and the latencies are publish-to-delivery. No partition key; components with `concurrency: 64`, `queueDepth: 256`.");
        sb.AppendLine("- CPU µs/op: bench process (publishers + subscriber app) / runtime process (silo + gateway).");
        sb.AppendLine();
        sb.AppendLine("| target | publishers | events/s | p50 ms | p99 ms | ÷ direct | CPU µs/op bench / runtime | others (cores) | errors |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var d = rows.FirstOrDefault(x => x.Target == Direct && x.Result.Callers == r.Result.Callers && x.Round == r.Round);
            var ratio = r.Target != Direct && d is not null && d.Result.OpsPerSecond > 0 ? $"{r.Result.OpsPerSecond / d.Result.OpsPerSecond * 100:0}%" : "";
            sb.AppendLine(inv, $"| {r.Target} | {r.Result.Callers} | {r.Result.OpsPerSecond:N0} | {Ms(r.Result.P50Ms)} | {Ms(r.Result.P99Ms)} | {ratio} | {Cpu(r.Result, "bench", "runtime")} | {r.Result.OtherCores:0.00} | {Errors(r.Result)} |");
        }
        return sb.ToString();
    }
}
