using ActorRuntime.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.Cluster.Tests;

/// <summary>
/// Three silos on PostgreSQL membership sharing a PostgreSQL state store, two gateways, eight writers; one silo is
/// killed (<c>kill -9</c>) or stopped (SIGTERM) while the load runs. What is measured: which requests fail and for how
/// long, and whether every acknowledged write is still readable afterwards.
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
    private static readonly TimeSpan MaxErrorWindow = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 300_000)]
    public async Task Killing_a_silo_under_load_loses_no_acknowledged_write_and_errors_stop_within_a_bounded_window()
    {
        await Services.EnsurePostgresAsync();
        await using var sandbox = new ClusterSandbox("kill").WithPostgresStore();
        await using var cluster = await LocalCluster.StartAsync("postgresql", Services.Postgres, 3, 2, sandbox.Resources, sandbox.ClusterId, sandbox.Home);
        var victim = cluster.Silo(2);
        try
        {
            await using var load = new StateLoad([.. cluster.Gateways.Select(g => g.Http)], "statestore", sandbox.KeyStem, Writers, KeysPerWriter, Pause, TimeSpan.FromMinutes(3));
            await Task.Delay(WarmUp);
            var at = load.Now;
            LocalCluster.Kill(victim);
            Assert.True(await LocalCluster.WaitGoneAsync(victim.Pid, TimeSpan.FromSeconds(10)), "kill -9 did not end the silo");

            // Load for 15 s after the kill, and on (at most 75 s after it) until no request has failed for 5 s and none
            // has been waiting for more than a second.
            while (load.Now - at < LoadAfterDisruption ||
                   ((load.LastFailureEnd is { } lf && load.Now - lf < QuietTail || load.LongestInFlight > TimeSpan.FromSeconds(1)) && load.Now - at < TimeSpan.FromSeconds(75)))
                await Task.Delay(250);
            var stoppedAt = load.Now;
            await load.StopAsync();
            var report = LoadReport.From(load.Outcomes, at);
            output.WriteLine($"cluster {sandbox.ClusterId}: killed {victim.Name} (pid {victim.Pid}) at +{at.TotalSeconds:0.00} s of load; load ran until +{(stoppedAt - at).TotalSeconds:0.00} s after the kill");
            output.WriteLine(report.Describe("kill -9 of one of three silos"));

            var problems = await load.VerifyAckedAsync();
            output.WriteLine($"verified {load.Acked.Count} keys through {cluster.Gateways.Count} gateways: {problems.Count} problem(s)");
            foreach (var p in problems.Take(20)) output.WriteLine("  " + p);

            Assert.Empty(problems);
            Assert.True(report.ErrorWindow < MaxErrorWindow, $"error window {report.ErrorWindow.TotalSeconds:0.00} s exceeds {MaxErrorWindow.TotalSeconds} s");
            Assert.True(report.AcknowledgedAfterLastFailure >= 100, $"only {report.AcknowledgedAfterLastFailure} writes acknowledged after the last failure");
            var tail = load.Outcomes.Where(o => o.Start >= stoppedAt - QuietTail).ToList();
            Assert.True(tail.Count > 0 && tail.All(o => o.Ok), $"the last {QuietTail.TotalSeconds} s of load still had {tail.Count(o => !o.Ok)} failures of {tail.Count}");
        }
        finally
        {
            output.WriteLine("--- actorrt cluster up ---\n" + cluster.SupervisorLines);
            output.WriteLine("--- its last 40 lines ---\n" + cluster.OutputTail(40));
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Stopping_a_silo_gracefully_under_load_fails_no_request()
    {
        await Services.EnsurePostgresAsync();
        await using var sandbox = new ClusterSandbox("term").WithPostgresStore();
        await using var cluster = await LocalCluster.StartAsync("postgresql", Services.Postgres, 3, 2, sandbox.Resources, sandbox.ClusterId, sandbox.Home);
        var victim = cluster.Silo(2);
        try
        {
            await using var load = new StateLoad([.. cluster.Gateways.Select(g => g.Http)], "statestore", sandbox.KeyStem, Writers, KeysPerWriter, Pause, TimeSpan.FromMinutes(3));
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
            output.WriteLine($"cluster {sandbox.ClusterId}: SIGTERM to {victim.Name} (pid {victim.Pid}) at +{at.TotalSeconds:0.00} s of load; it exited after {stopTook.TotalSeconds:0.00} s with code {exitCode?.ToString() ?? "?"}");
            output.WriteLine(report.Describe("graceful stop of one of three silos"));

            var problems = await load.VerifyAckedAsync();
            output.WriteLine($"verified {load.Acked.Count} keys through {cluster.Gateways.Count} gateways: {problems.Count} problem(s)");
            foreach (var p in problems.Take(20)) output.WriteLine("  " + p);

            Assert.Empty(problems);
            Assert.True(report.Failed == 0, $"{report.Failed} request(s) failed during a graceful stop:\n{string.Join('\n', report.FailureSamples)}");
        }
        finally
        {
            output.WriteLine("--- actorrt cluster up ---\n" + cluster.SupervisorLines);
            output.WriteLine("--- its last 40 lines ---\n" + cluster.OutputTail(40));
        }
    }
}

[CollectionDefinition(nameof(ClusterCollection), DisableParallelization = true)]
public sealed class ClusterCollection;
