using ActorRuntime.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.Cluster.Tests;

/// <summary>
/// Three silos sharing membership and a state store in PostgreSQL (or Redis), two gateways, eight writers; one silo is
/// killed (<c>kill -9</c>) or stopped (SIGTERM) while the load runs. Measured and printed: which requests fail, of what
/// kind and for how long, and whether every acknowledged write is still readable afterwards through both gateways.
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Writers = 8;
    private const int KeysPerWriter = 4;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LoadAfterDisruption = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan QuietTail = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LoadLimitAfterDisruption = TimeSpan.FromSeconds(75);

    /// <summary>
    /// The bound the error window must stay under after <c>kill -9</c>. Requests in flight to the killed silo are
    /// answered only when the gateway's Orleans client gives up on them (ClientMessagingOptions.ResponseTimeout), so the
    /// window is about that timeout (10 s, set by the gateway) plus scheduling slack; see the report for the figures.
    /// </summary>
    private static readonly TimeSpan MaxErrorWindow =
        TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("ACTORRT_TEST_MAX_ERROR_WINDOW"), out var s) ? s : 15);

    [Theory(Timeout = 300_000)]
    [InlineData("postgresql")]
    [InlineData("redis")]
    public async Task Killing_a_silo_under_load_loses_no_acknowledged_write_and_errors_stop_within_a_bounded_window(string store)
    {
        await using var run = await StartAsync(store, "kill");
        var (cluster, load) = (run.Cluster, run.Load);
        var victim = cluster.Silo(2);
        try
        {
            await Task.Delay(WarmUp);
            var at = load.Now;
            LocalCluster.Kill(victim);
            Assert.True(await LocalCluster.WaitGoneAsync(victim.Pid, TimeSpan.FromSeconds(10)), "kill -9 did not end the silo");

            // Load for 15 s after the kill, and on (at most 75 s after it) until no request has failed for 5 s and none
            // has been waiting for more than a second.
            while (load.Now - at < LoadAfterDisruption ||
                   ((load.LastFailureEnd is { } lf && load.Now - lf < QuietTail || load.LongestInFlight > TimeSpan.FromSeconds(1)) && load.Now - at < LoadLimitAfterDisruption))
                await Task.Delay(250);
            var stoppedAt = load.Now;
            await load.StopAsync();
            var report = LoadReport.From(load.Outcomes, at);
            output.WriteLine($"{store} cluster {run.Sandbox.ClusterId}: killed {victim.Name} (pid {victim.Pid}) at +{at.TotalSeconds:0.00} s of load; load ran until +{(stoppedAt - at).TotalSeconds:0.00} s after the kill");
            output.WriteLine(report.Describe($"kill -9 of one of three silos ({store} membership and state)"));
            var problems = await VerifyAsync(load, cluster);
            // The test means something only if the gateways used the victim: each logs the connection it lost.
            var connected = cluster.Gateways.Where(g => cluster.Output.Split('\n')
                .Any(l => l.Contains($"== {g.Name} ==", StringComparison.Ordinal) && l.Contains($"127.0.0.1:{victim.GatewayPort}", StringComparison.Ordinal))).Select(g => g.Name).ToList();
            output.WriteLine($"gateways that lost their connection to {victim.Name}: {(connected.Count > 0 ? string.Join(", ", connected) : "none")}");

            Assert.Empty(problems);
            Assert.True(connected.Count == cluster.Gateways.Count, $"not every gateway was connected to {victim.Name} (only {string.Join(", ", connected)}): the kill tested nothing");
            Assert.True(report.ErrorWindow < MaxErrorWindow,
                $"error window {report.ErrorWindow.TotalSeconds:0.00} s is not under {MaxErrorWindow.TotalSeconds} s:\n  " + string.Join("\n  ", report.FailureKinds.Select(k => $"{k.Key}: {k.Value}")));
            Assert.True(report.AcknowledgedAfterLastFailure >= 100, $"only {report.AcknowledgedAfterLastFailure} writes acknowledged after the last failure");
            var tail = load.Outcomes.Where(o => o.Start >= stoppedAt - QuietTail).ToList();
            Assert.True(tail.Count > 0 && tail.All(o => o.Ok), $"the last {QuietTail.TotalSeconds} s of load still had {tail.Count(o => !o.Ok)} failures of {tail.Count}");
        }
        finally
        {
            PrintCluster(cluster);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Stopping_a_silo_gracefully_under_load_fails_no_request()
    {
        await using var run = await StartAsync("postgresql", "term");
        var (cluster, load) = (run.Cluster, run.Load);
        var victim = cluster.Silo(2);
        try
        {
            await Task.Delay(WarmUp);
            var at = load.Now;
            LocalCluster.Terminate(victim);
            var gone = await LocalCluster.WaitGoneAsync(victim.Pid, TimeSpan.FromSeconds(60));
            var stopTook = load.Now - at;
            Assert.True(gone, "the silo did not stop within 60 s of SIGTERM");
            var until = load.Now + LoadAfterDisruption;
            while (load.Now < until) await Task.Delay(250);
            await load.StopAsync();
            var report = LoadReport.From(load.Outcomes, at);
            cluster.Refresh();
            var exitCode = cluster.Members.Single(m => m.Name == victim.Name).ExitCode;
            output.WriteLine($"cluster {run.Sandbox.ClusterId}: SIGTERM to {victim.Name} (pid {victim.Pid}) at +{at.TotalSeconds:0.00} s of load; it exited after {stopTook.TotalSeconds:0.00} s with code {exitCode?.ToString() ?? "?"}");
            output.WriteLine(report.Describe("graceful stop (SIGTERM) of one of three silos"));
            var problems = await VerifyAsync(load, cluster);

            Assert.Empty(problems);
            Assert.Equal(0, exitCode);
            // The stopping silo rejects requests that reach it after it blocks application messages ("Silo stopping");
            // gateways resend rejected calls (never delivered, so safe), so a graceful stop fails no request.
            var failures = load.Outcomes.Where(o => !o.Ok).ToList();
            Assert.True(failures.Count == 0, $"{failures.Count} request(s) failed during a graceful stop:\n{string.Join('\n', report.FailureSamples)}");
        }
        finally
        {
            PrintCluster(cluster);
        }
    }

    private sealed class Run(ClusterSandbox sandbox, LocalCluster cluster, StateLoad load) : IAsyncDisposable
    {
        public ClusterSandbox Sandbox { get; } = sandbox;
        public LocalCluster Cluster { get; } = cluster;
        public StateLoad Load { get; } = load;

        public async ValueTask DisposeAsync()
        {
            await Load.DisposeAsync();
            await Cluster.DisposeAsync();
            await Sandbox.DisposeAsync();
        }
    }

    /// <summary>Three silos and two gateways with the store's membership and state store, and the load already running.</summary>
    private static async Task<Run> StartAsync(string store, string kind)
    {
        if (store == "redis") await Services.EnsureRedisAsync();
        else await Services.EnsurePostgresAsync();
        var sandbox = new ClusterSandbox($"{kind}-{(store == "redis" ? "rd" : "pg")}");
        if (store == "redis") sandbox.WithRedisStore();
        else sandbox.WithPostgresStore();
        LocalCluster? cluster = null;
        try
        {
            cluster = await LocalCluster.StartAsync(store, store == "redis" ? Services.Redis : Services.Postgres, 3, 2, sandbox.Resources, sandbox.ClusterId, sandbox.Home);
            var load = new StateLoad([.. cluster.Gateways.Select(g => g.Http)], "statestore", sandbox.KeyStem, Writers, KeysPerWriter, Pause, TimeSpan.FromMinutes(3));
            return new Run(sandbox, cluster, load);
        }
        catch
        {
            if (cluster is not null) await cluster.DisposeAsync();
            await sandbox.DisposeAsync();
            throw;
        }
    }

    private async Task<IReadOnlyList<string>> VerifyAsync(StateLoad load, LocalCluster cluster)
    {
        var problems = await load.VerifyAckedAsync();
        output.WriteLine($"verified {load.Acked.Count} keys (last acknowledged value of each) through {cluster.Gateways.Count} gateways: {problems.Count} problem(s)");
        foreach (var p in problems.Take(20)) output.WriteLine("  " + p);
        return problems;
    }

    private void PrintCluster(LocalCluster cluster)
    {
        output.WriteLine("--- actorrt cluster up ---\n" + cluster.SupervisorLines);
        output.WriteLine("--- its last 40 lines ---\n" + cluster.OutputTail(40));
    }
}

[CollectionDefinition(nameof(ClusterCollection), DisableParallelization = true)]
public sealed class ClusterCollection;
