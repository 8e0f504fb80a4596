using System.Diagnostics;
using System.Globalization;
using ActorRuntime.Bench.Targets;
using Grpc.Net.Client;
using StackExchange.Redis;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Bench;

internal enum TargetKind { Direct, Gateway, Baseline }

internal sealed record TargetSpec(string Name, string Store, TargetKind Kind, IStateTarget Target);

internal sealed record MeasuredRow(TargetSpec Spec, string Op, int Round, RowResult Result);

/// <summary>
/// The <c>state</c> scenario. Rows are run grouped by (callers, op), every target back to back, so a gateway row and
/// the direct rows it is divided by are measured within a minute of each other on a noisy machine.
/// </summary>
internal static class StateScenario
{
    public const string MemStore = "memstore";
    public const string RedisStore = "redisstore";
    private const string DirectStringPrefix = "actorrt-bench:string:";
    private const string DirectScriptPrefix = "actorrt-bench:hash:";

    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);

        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync($"{o.Redis},abortConnect=true,allowAdmin=true,connectTimeout=5000,name=actorrt-bench");
        }
        catch (RedisConnectionException e)
        {
            throw new BenchFailedException($"Redis at {o.Redis} does not answer ({e.Message}); start it with scripts/services.sh start");
        }
        await using var _redis = redis;
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var redisInfo = (await server.InfoAsync("server")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        environment.RedisVersion = redisInfo.GetValueOrDefault("redis_version");
        Process? redisProcess = null;
        if (int.TryParse(redisInfo.GetValueOrDefault("process_id"), out var redisPid))
            try { redisProcess = Process.GetProcessById(redisPid); } catch (ArgumentException) { }

        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);
        var resources = Directory.CreateTempSubdirectory("actorrt-bench-components-").FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "statestores.yaml"), ComponentsYaml(o.Redis));

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(64, o.Callers.Max() * 2),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromSeconds(30) };

        var logPath = Path.Combine(o.ResultsDir, $"state-{stamp}-runtime.log");
        Console.Error.WriteLine($"bench: starting {actorrt} (log: {logPath})");
        var payloads = new Payloads(o.Keys, o.PayloadBytes);
        var rows = new List<MeasuredRow>();
        var runtime = await RuntimeProcess.StartAsync(actorrt, o.AppId, resources, logPath, http, o.RuntimeEnvironment);
        KestrelBaseline? kestrel = null;
        GrpcChannel? gatewayChannel = null, baselineChannel = null;
        try
        {
            Console.Error.WriteLine($"bench: runtime (pid {runtime.Process.Id}) healthy on HTTP {runtime.HttpPort}, gRPC {runtime.GrpcPort}");
            gatewayChannel = NewChannel(runtime.GrpcPort);
            var gatewayUrl = $"http://127.0.0.1:{runtime.HttpPort}";
            var gatewayGrpc = new DaprGrpc.Dapr.DaprClient(gatewayChannel);
            var db = redis.GetDatabase();
            var directString = new RedisStringTarget(db, DirectStringPrefix, payloads);
            var directScript = new RedisScriptTarget(db, DirectScriptPrefix, payloads);

            var targets = new List<TargetSpec>
            {
                new("direct SE.Redis SET/GET", "redis", TargetKind.Direct, directString),
                new("direct SE.Redis Lua+hash", "redis", TargetKind.Direct, directScript),
                new("gateway HTTP", "in-memory", TargetKind.Gateway, new HttpStateTarget(http, gatewayUrl, MemStore, payloads)),
                new("gateway gRPC", "in-memory", TargetKind.Gateway, new GrpcStateTarget(gatewayGrpc, MemStore, payloads)),
                new("gateway HTTP", "redis", TargetKind.Gateway, new HttpStateTarget(http, gatewayUrl, RedisStore, payloads)),
                new("gateway gRPC", "redis", TargetKind.Gateway, new GrpcStateTarget(gatewayGrpc, RedisStore, payloads)),
            };
            if (!o.SkipKestrel)
            {
                kestrel = await KestrelBaseline.StartAsync(payloads);
                baselineChannel = NewChannel(kestrel.GrpcPort);
                targets.Add(new("bare Kestrel HTTP", "none", TargetKind.Baseline, new HttpStateTarget(http, $"http://127.0.0.1:{kestrel.HttpPort}", MemStore, payloads)));
                targets.Add(new("bare Kestrel gRPC", "none", TargetKind.Baseline, new GrpcStateTarget(new DaprGrpc.Dapr.DaprClient(baselineChannel), MemStore, payloads)));
            }

            // Every key exists before the first row, so GET-only rows always find a value.
            Console.Error.WriteLine($"bench: writing {payloads.Count} keys through every target");
            foreach (var t in targets.Where(t => t.Kind != TargetKind.Baseline))
                await Parallel.ForAsync(0, payloads.Count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (k, _) => await t.Target.SaveAsync(k));

            var probes = new List<CpuProbe>
            {
                new("bench", () => Process.GetCurrentProcess()),
                new("runtime", () => runtime.Process),
                new("redis", () => redisProcess),
            };
            var runner = new RowRunner(probes);
            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            var planned = (from c in o.Callers from op in o.Ops from t in targets select (c, op, t))
                .Where(r => Selected(o, Label(r.t, r.op, r.c))).ToList();

            Console.Error.WriteLine($"bench: initial warm-up, save+get from {o.Callers.Max()} callers for ≤ {o.InitialWarmup.TotalSeconds:0.#} s per target");
            foreach (var t in targets.Where(t => planned.Any(p => p.t == t)))
                await runner.WarmAsync(o.Callers.Max(), Operation(t.Target, "save+get", payloads.Count), new LoopLimits(o.InitialWarmup, 100_000));

            Console.Error.WriteLine($"bench: {planned.Count} rows x {o.Rounds} round(s), each ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops after a warm-up of ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops");
            for (var round = 1; round <= o.Rounds; round++)
            {
                foreach (var (callers, op, t) in planned)
                {
                    var label = Label(t, op, callers);
                    var (waited, load) = o.QuietMaxWait > TimeSpan.Zero
                        ? await runner.WaitForQuietAsync(o.QuietThreshold, o.QuietMaxWait)
                        : (TimeSpan.Zero, double.NaN);
                    if (waited >= TimeSpan.FromSeconds(1))
                        Console.Error.WriteLine($"     (waited {waited.TotalSeconds:0} s for the machine to quiet down; other processes at {load:0.00} cores)");
                    var threadsBefore = ThreadCount(runtime.Process);
                    var result = await runner.RunAsync(label, callers, Operation(t.Target, op, payloads.Count), warmup, measure);
                    rows.Add(new MeasuredRow(t, op, round, result));
                    Console.Error.WriteLine($"  r{round} {label,-50} {result.OpsPerSecond,10:N0} ops/s  p50 {result.P50Ms,7:0.000} ms  p99 {result.P99Ms,7:0.000} ms" +
                        $"  others {result.OtherCores:0.00} cores  runtime threads {threadsBefore}->{ThreadCount(runtime.Process)}" +
                        (result.Errors > 0 ? $"  {result.Errors} errors: {result.FirstError}" : ""));
                }
            }

            await DeleteBenchKeysAsync(db, o.AppId, payloads, directString, directScript);
        }
        finally
        {
            gatewayChannel?.Dispose();
            baselineChannel?.Dispose();
            if (kestrel is not null) await kestrel.DisposeAsync();
            await runtime.DisposeAsync();
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
        }

        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        var markdown = StateReport.Render(o, environment, startedAt, rows);
        var resultFile = Path.Combine(o.ResultsDir, $"state-{stamp}.md");
        await File.WriteAllTextAsync(resultFile, markdown);
        await File.WriteAllTextAsync(Path.Combine(o.ResultsDir, "state-latest.md"), markdown);
        Console.WriteLine(markdown);
        Console.Error.WriteLine($"bench: results written to {resultFile} (and state-latest.md beside it); runtime log {logPath}");
        return rows.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    private static int ThreadCount(Process p)
    {
        try { p.Refresh(); return p.Threads.Count; }
        catch (InvalidOperationException) { return -1; }
    }

    internal static string Label(TargetSpec t, string op, int callers) => $"{t.Name} [{t.Store}] {op} x{callers}";

    private static bool Selected(BenchOptions o, string label) =>
        o.Filters.Length == 0 || o.Filters.Any(f => label.Contains(f, StringComparison.OrdinalIgnoreCase));

    /// <summary>Keys go round-robin over the key set, so concurrent callers work on different keys.</summary>
    private static BenchOp Operation(IStateTarget target, string op, int keys) => op switch
    {
        "save+get" => async i =>
        {
            var k = i % keys;
            await target.SaveAsync(k);
            await target.GetAsync(k);
        },
        "get" => i => target.GetAsync(i % keys),
        "save" => i => target.SaveAsync(i % keys),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private static GrpcChannel NewChannel(int port) => GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
        },
        DisposeHttpClient = true,
    });

    private static string ComponentsYaml(string redisHost) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {MemStore}
        spec:
          type: state.in-memory
          version: v1
          metadata: []
        ---
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {RedisStore}
        spec:
          type: state.redis
          version: v1
          metadata:
          - name: redisHost
            value: "{redisHost}"
        """;

    /// <summary>Removes exactly the keys this run wrote; the Redis server is shared with the tests, so no FLUSHDB.</summary>
    private static async Task DeleteBenchKeysAsync(IDatabase db, string appId, Payloads payloads, RedisStringTarget s, RedisScriptTarget h)
    {
        var keys = payloads.Keys.Select(k => (RedisKey)$"{appId}||{k}").Concat(s.AllKeys).Concat(h.AllKeys).ToArray();
        foreach (var chunk in keys.Chunk(500)) await db.KeyDeleteAsync(chunk);
    }
}

/// <summary>What the results depend on besides the code: machine, versions, load.</summary>
internal sealed class RunEnvironment
{
    public string Cpu { get; init; } = "";
    public int Cores { get; init; }
    public string Os { get; init; } = "";
    public string DotNet { get; init; } = "";
    public string Commit { get; init; } = "";
    public string? RedisVersion { get; set; }
    public string LoadAverageBefore { get; init; } = "";
    public string LoadAverageAfter { get; set; } = "";
    public bool ServerGc { get; init; }

    public static RunEnvironment Capture(BenchOptions o) => new()
    {
        Cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?",
        Cores = Environment.ProcessorCount,
        Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        DotNet = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        Commit = GitDescribe(o.RepoRoot),
        LoadAverageBefore = LoadAverage(),
        ServerGc = System.Runtime.GCSettings.IsServerGC,
    };

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string GitDescribe(string repo)
    {
        try
        {
            var head = Run(repo, "rev-parse", "--short", "HEAD");
            var dirty = Run(repo, "status", "--porcelain", "--", "src").Length > 0;
            return dirty ? $"{head} + uncommitted changes in src/" : head;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "?";
        }
    }

    private static string Run(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }
}
