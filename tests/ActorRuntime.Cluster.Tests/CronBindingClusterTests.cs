using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ActorRuntime.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.Cluster.Tests;

/// <summary>
/// <c>bindings.cron</c> on the docker-compose topology: three <c>actorrt silo</c> processes (PostgreSQL membership, the
/// cron grain's last fired tick in the PostgreSQL actor state store) and two <c>actorrt gateway</c> processes of the
/// same app id, each in front of its own app instance (<c>tests/node/http-binding-app.mjs</c>). Each tick of an
/// <c>@every 1s</c> schedule must reach exactly one instance; after the silo holding the cron grain is killed
/// (<c>kill -9</c>) the ticks must go on, still never twice.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class CronBindingClusterTests(ITestOutputHelper output)
{
    private const string AppId = "cronapp";

    [Fact(Timeout = 480_000)]
    public async Task Cron_fires_once_per_tick_across_two_gateways_and_survives_the_grain_silo_being_killed()
    {
        await Services.EnsurePostgresAsync();
        await using var sandbox = new ClusterSandbox("cron").WithPostgresStore();
        await File.WriteAllTextAsync(Path.Combine(sandbox.Resources, "beat.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: beat
            spec:
              type: bindings.cron
              version: v1
              metadata:
                - name: schedule
                  value: "@every 1s"
            """);
        await using var cluster = await LocalCluster.StartAsync("postgresql", Services.Postgres, 3, 0, sandbox.Resources, sandbox.ClusterId, sandbox.Home);
        var records = new[] { Path.Combine(sandbox.Root, "a.jsonl"), Path.Combine(sandbox.Root, "b.jsonl") };
        var children = new List<Child>();
        try
        {
            foreach (var record in records)
            {
                var appPort = FreePort();
                children.Add(Child.Start("app", new ProcessStartInfo("node") { ArgumentList = { Path.Combine(ActorRuntimeBinary.RepoRoot, "tests", "node", "http-binding-app.mjs") } },
                    new() { ["APP_PORT"] = appPort.ToString(CultureInfo.InvariantCulture), ["ROUTES"] = "/beat", ["RECORD_FILE"] = record }));
                var gateway = ActorRuntimeBinary.Dotnet([cluster.Dll, "gateway", "--app-id", AppId, "--app-port", appPort.ToString(CultureInfo.InvariantCulture),
                    "--cluster", "postgresql", "--connection-string", Services.Postgres, "--cluster-id", sandbox.ClusterId, "--resources-path", sandbox.Resources,
                    "--dapr-http-port", FreePort().ToString(CultureInfo.InvariantCulture), "--dapr-grpc-port", FreePort().ToString(CultureInfo.InvariantCulture)]);
                gateway.Environment["ACTORRT_HOME"] = sandbox.Home;
                children.Add(Child.Start("gateway", gateway, []));
            }
            List<(int Instance, DateTime Tick, long At)> All() => [.. records.SelectMany((f, i) => Read(f).Select(r => (i, Tick(r), r["at"]!.GetValue<long>())))];
            string Describe() => $"{string.Join("\n", children.Select(c => c.Describe()))}\n--- cluster ---\n{cluster.OutputTail(60)}";

            await WaitAsync(() => All().Count(x => x.Instance == 0) >= 3 && All().Count(x => x.Instance == 1) >= 3, TimeSpan.FromSeconds(180), "both instances getting ticks", Describe);
            AssertOnce(All(), "before the kill");

            // The silo that last logged the grain's activation holds it.
            var activation = $"Cron binding /{AppId}||beat active on this silo";
            var line = cluster.Output.Split('\n').LastOrDefault(l => l.Contains(activation, StringComparison.Ordinal));
            var victim = cluster.Silos.FirstOrDefault(s => line is not null && line.Contains($"== {s.Name} == ", StringComparison.Ordinal));
            Assert.True(victim is not null, $"no silo logged the cron grain's activation\n{Describe()}");
            var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            LocalCluster.Kill(victim);
            Assert.True(await LocalCluster.WaitGoneAsync(victim.Pid, TimeSpan.FromSeconds(10)), "kill -9 did not end the silo");
            var before = All().Count;
            output.WriteLine($"killed {victim.Name} (pid {victim.Pid}) after {before} ticks");

            await WaitAsync(() => All().Count(x => x.At > killedAt + 1000) >= 8, TimeSpan.FromSeconds(120), "ticks after the kill", Describe);
            var all = All();
            AssertOnce(all, "after the kill");
            var ticks = all.Select(x => x.Tick).Order().ToList();
            var gaps = ticks.Zip(ticks.Skip(1)).Select(p => (p.Second - p.First).TotalSeconds).ToList();
            var resumed = all.Where(x => x.At > killedAt).Min(x => x.At) - killedAt;
            output.WriteLine($"{all.Count} ticks (instance a {all.Count(x => x.Instance == 0)}, b {all.Count(x => x.Instance == 1)}); largest gap in the tick sequence {gaps.Max():0} s; first delivery {resumed} ms after the kill");
            Assert.True(gaps.Max() <= 30, $"ticks stopped for {gaps.Max()} s around the kill\n{Describe()}");
            Assert.Contains(cluster.Output.Split('\n'), l => l.Contains(activation, StringComparison.Ordinal) && !l.Contains($"== {victim.Name} == ", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var c in children) c.Dispose();
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string> describe)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}\n{describe()}");
            await Task.Delay(500);
        }
    }

    private static List<JsonObject> Read(string file)
    {
        if (!File.Exists(file)) return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Where(l => l.Length > 0 && l.EndsWith('}')).Select(l => JsonNode.Parse(l)!.AsObject())];
    }

    private static DateTime Tick(JsonObject r) =>
        DateTime.ParseExact(r["headers"]!["readtimeutc"]!.GetValue<string>()[..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    private static void AssertOnce(List<(int Instance, DateTime Tick, long At)> all, string when)
    {
        var twice = all.GroupBy(x => x.Tick).Where(g => g.Count() > 1).Select(g => $"{g.Key:HH:mm:ss} x{g.Count()}").ToList();
        Assert.True(twice.Count == 0, $"ticks fired more than once {when}: {string.Join("; ", twice)}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>A child process whose output is kept for failure messages; killed with its tree on dispose.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();
        private readonly string _name;

        private Child(string name, Process process)
        {
            _name = name;
            _process = process;
        }

        public static Child Start(string name, ProcessStartInfo psi, Dictionary<string, string> environment)
        {
            psi.UseShellExecute = false;
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            foreach (var (k, v) in environment) psi.Environment[k] = v;
            var process = new Process { StartInfo = psi };
            var child = new Child(name, process);
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) child._lines.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) child._lines.Enqueue(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return child;
        }

        public string Describe() => $"--- {_name} pid {_process.Id} ---\n{string.Join('\n', _lines.TakeLast(30))}";

        public void Dispose()
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.WaitForExit(10_000);
            _process.Dispose();
        }
    }
}
