using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorRuntime.Bench.Targets;
using ActorRuntime.Components.Loading;
using ActorRuntime.Gateway.Hosting;
using ActorRuntime.Grains.State;
using ActorRuntime.Silo.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>cluster</c> scenario: for each N in <c>--silos</c>, a fresh cluster (its own ClusterId) of N
/// <c>actorrt silo</c> processes with PostgreSQL membership, one <c>actorrt gateway</c>, and a direct Orleans client in
/// this process. Measures state GET through the gateway (HTTP) against the very same grain call
/// (<c>IStateKeyGrain.Get()</c>) made by the direct client, and save+get through the gateway.
/// </summary>
internal static class ClusterScenario
{
    private const string Store = "statestore";
    private const string GatewayGet = "gateway HTTP GET";
    private const string DirectGet = "direct client Get()";
    private const string GatewaySaveGet = "gateway HTTP save+get";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    internal sealed record ClusterRow(int Silos, string Target, RowResult Result);

    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);
        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);

        var resources = Directory.CreateTempSubdirectory("actorrt-bench-cluster-components-").FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: {Store}
            spec:
              type: state.in-memory
              version: v1
              metadata: []
            """);
        // The grain key the gateway uses: {component instance id}||{stored key}; stored key = "{appid}||{key}" (keyPrefix appid).
        var component = ResourceLoader.LoadComponents([resources], o.AppId).Single(c => c.Name == Store);
        var instanceId = component.InstanceId;
        var payloads = new Payloads(o.Keys, o.PayloadBytes);
        var grainKeys = payloads.Keys.Select(k => StateGrainKeys.For(instanceId, $"{o.AppId}||{k}")).ToArray();
        Console.Error.WriteLine($"bench: component '{Store}' instance id {instanceId}; silos {string.Join(',', o.Silos)}");

        using var http = new HttpClient(new SocketsHttpHandler
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

        var rows = new List<ClusterRow>();
        var clusterIds = new List<string>();
        try
        {
            foreach (var n in o.Silos)
            {
                var clusterId = $"bench-{stamp}-{Guid.NewGuid().ToString("N")[..6]}-n{n}";
                clusterIds.Add(clusterId);
                rows.AddRange(await RunClusterAsync(o, actorrt, resources, clusterId, n, stamp, http, payloads, grainKeys));
            }
        }
        finally
        {
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
        }

        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        var markdown = Render(o, environment, startedAt, clusterIds, rows);
        var resultFile = Path.Combine(o.ResultsDir, $"cluster-{stamp}.md");
        await File.WriteAllTextAsync(resultFile, markdown);
        await File.WriteAllTextAsync(Path.Combine(o.ResultsDir, "cluster-latest.md"), markdown);
        Console.WriteLine(markdown);
        Console.Error.WriteLine($"bench: results written to {resultFile} (and cluster-latest.md beside it); process logs {Path.Combine(o.ResultsDir, $"cluster-{stamp}-*.log")}");
        return rows.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    private static async Task<List<ClusterRow>> RunClusterAsync(BenchOptions o, string actorrt, string resources, string clusterId, int n,
        string stamp, HttpClient http, Payloads payloads, string[] grainKeys)
    {
        var processes = new List<ClusterProcess>();
        IHost? client = null;
        var rows = new List<ClusterRow>();
        try
        {
            Console.Error.WriteLine($"bench: N={n}: starting {n} silo(s) in cluster '{clusterId}'");
            for (var i = 1; i <= n; i++)
            {
                processes.Add(ClusterProcess.Start($"silo-{i}", actorrt,
                [
                    "silo", "--cluster", "postgresql", "--connection-string", o.Postgres, "--cluster-id", clusterId,
                    "--silo-port", "0", "--gateway-port", "0", "--resources-path", resources,
                ], Path.Combine(o.ResultsDir, $"cluster-{stamp}-n{n}-silo{i}.log")));
            }

            // The direct client: same clustering, ClusterId/ServiceId and client settings as `actorrt gateway`.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "actorrt-bench-client" });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleansClient(c =>
            {
                c.UsePostgresClustering(o.Postgres);
                c.Configure<ClusterOptions>(co => { co.ClusterId = clusterId; co.ServiceId = "actorrt"; });
                c.UseActorRuntimeGatewayClient();
            });
            client = builder.Build();
            using (var startTimeout = new CancellationTokenSource(ReadyTimeout))
            {
                var start = client.StartAsync(startTimeout.Token);
                while (!start.IsCompleted)
                {
                    foreach (var p in processes) p.ThrowIfExited();
                    await Task.WhenAny(start, Task.Delay(500));
                }
                try { await start; }
                catch (OperationCanceledException) { throw new BenchFailedException($"the direct client did not connect to cluster '{clusterId}' within {ReadyTimeout.TotalSeconds:0} s"); }
            }
            var cluster = client.Services.GetRequiredService<IClusterClient>();
            await WaitForActiveSilosAsync(cluster, n, processes);

            var httpPort = FreePort();
            var grpcPort = FreePort();
            var gateway = ClusterProcess.Start("gateway", actorrt,
            [
                "gateway", "--app-id", o.AppId, "--cluster", "postgresql", "--connection-string", o.Postgres, "--cluster-id", clusterId,
                "--dapr-http-port", $"{httpPort}", "--dapr-grpc-port", $"{grpcPort}", "--resources-path", resources,
            ], Path.Combine(o.ResultsDir, $"cluster-{stamp}-n{n}-gateway.log"));
            processes.Insert(0, gateway); // stopped first
            var gatewayUrl = $"http://127.0.0.1:{httpPort}";
            await WaitHealthyAsync(http, gatewayUrl, gateway);
            Console.Error.WriteLine($"bench: N={n}: {n} silo(s) active, gateway (pid {gateway.Process.Id}) healthy on HTTP {httpPort}");

            var gatewayTarget = new HttpStateTarget(http, gatewayUrl, Store, payloads);
            Console.Error.WriteLine($"bench: N={n}: saving {payloads.Count} keys through the gateway");
            await Parallel.ForAsync(0, payloads.Count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (k, _) => await gatewayTarget.SaveAsync(k));

            var grains = grainKeys.Select(k => cluster.GetGrain<IStateKeyGrain>(k)).ToArray();
            var keys = payloads.Count;
            var targets = new (string Name, BenchOp Op)[]
            {
                (GatewayGet, i => gatewayTarget.GetAsync(i % keys)),
                (DirectGet, async i =>
                {
                    var k = i % keys;
                    var entry = await grains[k].Get();
                    if (entry is null || entry.Value.Length != payloads.ValueLength(k))
                        throw new InvalidDataException($"Get() {grainKeys[k]}: {(entry is null ? "null" : $"{entry.Value.Length} bytes")}, expected {payloads.ValueLength(k)}");
                }),
                (GatewaySaveGet, async i =>
                {
                    var k = i % keys;
                    await gatewayTarget.SaveAsync(k);
                    await gatewayTarget.GetAsync(k);
                }),
            };

            var probes = new List<CpuProbe> { new("bench", () => Process.GetCurrentProcess()), new("gateway", () => gateway.Process) };
            probes.AddRange(processes.Where(p => p != gateway).Select(p => new CpuProbe(p.Name, () => p.Process)));
            var runner = new RowRunner(probes);
            var planned = (from c in o.Callers from t in targets select (c, t))
                .Where(r => o.Filters.Length == 0 || o.Filters.Any(f => Label(n, r.t.Name, r.c).Contains(f, StringComparison.OrdinalIgnoreCase)))
                .ToList();

            Console.Error.WriteLine($"bench: N={n}: initial warm-up, {o.Callers.Max()} callers for ≤ {o.InitialWarmup.TotalSeconds:0.#} s per target");
            foreach (var t in targets.Where(t => planned.Any(p => p.t.Name == t.Name)))
                await runner.WarmAsync(o.Callers.Max(), t.Op, new LoopLimits(o.InitialWarmup, 100_000));

            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            foreach (var (callers, t) in planned)
            {
                foreach (var p in processes) p.ThrowIfExited();
                var label = Label(n, t.Name, callers);
                if (o.QuietMaxWait > TimeSpan.Zero)
                {
                    var (waited, load) = await runner.WaitForQuietAsync(o.QuietThreshold, o.QuietMaxWait);
                    if (waited >= TimeSpan.FromSeconds(1))
                        Console.Error.WriteLine($"     (waited {waited.TotalSeconds:0} s for the machine to quiet down; other processes at {load:0.00} cores)");
                }
                var result = await runner.RunAsync(label, callers, t.Op, warmup, measure);
                rows.Add(new ClusterRow(n, t.Name, result));
                Console.Error.WriteLine($"  {label,-40} {result.OpsPerSecond,10:N0} ops/s  p50 {result.P50Ms,7:0.000} ms  p99 {result.P99Ms,7:0.000} ms  others {result.OtherCores:0.00} cores" +
                    (result.Errors > 0 ? $"  {result.Errors} errors: {result.FirstError}" : ""));
            }
            return rows;
        }
        finally
        {
            Console.Error.WriteLine($"bench: N={n}: stopping the gateway, the direct client and {n} silo(s)");
            // Gateway first, then the direct client, then the silos (gracefully: each leaves the cluster).
            var gw = processes.FirstOrDefault(p => p.Name == "gateway");
            if (gw is not null) await gw.StopAsync(TimeSpan.FromSeconds(15));
            if (client is not null)
            {
                using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try { await client.StopAsync(stopTimeout.Token); } catch (Exception e) { Console.Error.WriteLine($"bench: stopping the direct client: {e.Message}"); }
                client.Dispose();
            }
            await Task.WhenAll(processes.Where(p => p != gw).Select(p => p.StopAsync(TimeSpan.FromSeconds(45))));
        }
    }

    private static async Task WaitForActiveSilosAsync(IClusterClient cluster, int n, IReadOnlyList<ClusterProcess> processes)
    {
        var management = cluster.GetGrain<IManagementGrain>(0);
        var until = DateTime.UtcNow + ReadyTimeout;
        var active = 0;
        while (DateTime.UtcNow < until)
        {
            foreach (var p in processes) p.ThrowIfExited();
            try
            {
                active = (await management.GetHosts(onlyActive: true)).Count;
                if (active == n) return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException) { }
            await Task.Delay(500);
        }
        throw new BenchFailedException($"only {active} of {n} silos were active after {ReadyTimeout.TotalSeconds:0} s");
    }

    private static async Task WaitHealthyAsync(HttpClient http, string baseUrl, ClusterProcess gateway)
    {
        var until = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < until)
        {
            gateway.ThrowIfExited();
            try
            {
                using var response = await http.GetAsync($"{baseUrl}/v1.0/healthz");
                if (response.StatusCode == HttpStatusCode.NoContent) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new BenchFailedException($"the gateway was not healthy after {ReadyTimeout.TotalSeconds:0} s; log:\n{gateway.LogTail()}");
    }

    private static string Label(int silos, string target, int callers) => $"N={silos} {target} x{callers}";

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<string> clusterIds, IReadOnlyList<ClusterRow> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Cluster: gateway vs. direct Orleans client, 1–3 silos");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}, {(env.ServerGc ? "Server GC" : "workstation GC")} in the bench; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Clusters (PostgreSQL membership, one fresh ClusterId per N, ServiceId `actorrt`): {string.Join(", ", clusterIds.Select(c => $"`{c}`"))}. Every process on this one machine, loopback only.");
        sb.AppendLine(inv, $"- Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops; one round. Closed loop. Keys round-robin over {o.Keys:N0} (saved before the first row); values {o.PayloadBytes} B of JSON; store `state.in-memory`.");
        sb.AppendLine("- CPU µs/op: CPU time over the measured part of the row divided by its ops: bench (load generator and direct client) / gateway / all silos together. Others: cores used meanwhile by every other process on the machine.");
        sb.AppendLine();
        sb.AppendLine("| silos | target | callers | ops/s | p50 ms | p99 ms | CPU µs/op bench / gateway / silos | others (cores) | errors |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var cpu = r.Result.CpuMicrosPerOp;
            var silos = cpu.Where(kv => kv.Key.StartsWith("silo-", StringComparison.Ordinal)).Sum(kv => kv.Value);
            string C(string k) => cpu.TryGetValue(k, out var v) ? v.ToString("0", inv) : "?";
            sb.AppendLine(inv, $"| {r.Silos} | {r.Target} | {r.Result.Callers} | {r.Result.OpsPerSecond:N0} | {Ms(r.Result.P50Ms)} | {Ms(r.Result.P99Ms)} | {C("bench")} / {C("gateway")} / {silos:0} | {r.Result.OtherCores:0.00} | {r.Result.Errors}{(r.Result.Errors > 0 ? $" ({r.Result.FirstError})" : "")} |");
        }

        sb.AppendLine();
        sb.AppendLine("#### Gateway GET vs. direct client Get() (goal: ops/s ratio ≥ 0.5 and p50 ratio ≤ 2)");
        sb.AppendLine();
        sb.AppendLine("| silos | callers | gateway ops/s | direct ops/s | ops/s gateway ÷ direct | p50 gateway / direct ms | p50 gateway ÷ direct | goal |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var g in rows.Where(r => r.Target == GatewayGet))
        {
            var d = rows.FirstOrDefault(r => r.Target == DirectGet && r.Silos == g.Silos && r.Result.Callers == g.Result.Callers);
            if (d is null) continue;
            var tput = g.Result.OpsPerSecond / d.Result.OpsPerSecond;
            var p50 = g.Result.P50Ms / d.Result.P50Ms;
            var verdict = (tput >= 0.5, p50 <= 2.0) switch
            {
                (true, true) => "met",
                (false, true) => "missed (throughput)",
                (true, false) => "missed (p50)",
                _ => "missed (both)",
            };
            sb.AppendLine(inv, $"| {g.Silos} | {g.Result.Callers} | {g.Result.OpsPerSecond:N0} | {d.Result.OpsPerSecond:N0} | {tput:0.00} | {Ms(g.Result.P50Ms)} / {Ms(d.Result.P50Ms)} | {p50:0.00} | {verdict} |");
        }

        sb.AppendLine();
        sb.AppendLine("#### Throughput by silo count (relative to the smallest cluster measured)");
        sb.AppendLine();
        var counts = rows.Select(r => r.Silos).Distinct().Order().ToList();
        sb.Append("| target | callers |").AppendJoin("", counts.Select(c => $" {c} silo(s) ops/s |")).AppendLine();
        sb.Append("|---|---:|").AppendJoin("", counts.Select(_ => "---:|")).AppendLine();
        foreach (var (target, callers) in rows.Select(r => (r.Target, r.Result.Callers)).Distinct())
        {
            var baseRow = rows.FirstOrDefault(r => r.Target == target && r.Result.Callers == callers && r.Silos == counts[0]);
            sb.Append(inv, $"| {target} | {callers} |");
            foreach (var c in counts)
            {
                var r = rows.FirstOrDefault(x => x.Target == target && x.Result.Callers == callers && x.Silos == c);
                sb.Append(r is null ? " – |" : baseRow is null || c == counts[0]
                    ? string.Create(inv, $" {r.Result.OpsPerSecond:N0} |")
                    : string.Create(inv, $" {r.Result.OpsPerSecond:N0} ({r.Result.OpsPerSecond / baseRow.Result.OpsPerSecond:0.00}x) |"));
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms.ToString(ms < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
