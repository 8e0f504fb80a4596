using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorRuntime.Cluster.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace ActorRuntime.Cluster.Tests;

/// <summary>
/// Three processes of the sample silo host <c>samples/csharp-grains</c> (<c>UserSilo</c>, built with
/// <c>AddActorRuntimeSilo</c>) on PostgreSQL membership, PostgreSQL reminders and grain state in a PostgreSQL state
/// store; six <c>CounterGrain</c>s tick on a 1 s reminder. After 10 s the silo hosting the most counters is killed
/// (<c>kill -9</c>); 25 s later every counter must have kept ticking and none may have lost a persisted tick.
/// Persisted tick counts are polled straight from the state table every 250 ms; printed per counter: the longest
/// interval without a persisted tick around the kill, and duplicate ticks (the same reminder period number logged
/// twice by the grain, across all silos' logs).
/// </summary>
[Collection(nameof(ClusterCollection))]
public sealed partial class ReminderFailoverTests(ITestOutputHelper output)
{
    private const int Silos = 3;
    private const int Counters = 6;
    private const int MinTicksAfterKill = 10;
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private sealed record Sample(TimeSpan At, long Ticks);

    [Fact(Timeout = 400_000)]
    public async Task Counter_reminders_keep_ticking_after_a_silo_hosting_them_is_killed()
    {
        await Services.EnsurePostgresAsync();
        var dll = await UserSiloBinary.GetAsync();
        await using var sandbox = new ClusterSandbox("rem").WithPostgresStore();
        var clock = Stopwatch.StartNew();
        string[] clusterArgs =
        [
            "--cluster", "postgresql", "--connection-string", Services.Postgres, "--cluster-id", sandbox.ClusterId,
            "--reminders", "postgresql", "--storage", "statestore", "--resources-path", sandbox.Resources,
        ];
        var silos = new List<UserSiloProcess>();
        var keys = Enumerable.Range(1, Counters).Select(i => $"c{i}").ToArray();
        var samples = keys.ToDictionary(k => k, _ => new List<Sample>());
        using var stopPolling = new CancellationTokenSource();
        Task? poller = null;
        try
        {
            var ports = FreePorts(Silos);
            for (var i = 0; i < Silos; i++)
                silos.Add(UserSiloProcess.Start(dll, $"silo{i + 1}", ports[i], clusterArgs, sandbox.Home, clock));
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(ReadyTimeout)));
            output.WriteLine($"cluster {sandbox.ClusterId}: {string.Join(", ", silos.Select(s => $"{s.Name} pid {s.Pid} gateway {s.GatewayPort}"))} ready at +{clock.Elapsed.TotalSeconds:0.0} s");

            // Start the reminders through different gateways (one `UserSilo call` client each, in parallel).
            var started = await Task.WhenAll(keys.Select((k, i) => CallAsync(dll, silos[i % Silos], clusterArgs, k, "tick", Period.TotalSeconds.ToString(CultureInfo.InvariantCulture))));
            foreach (var (k, (code, text)) in keys.Zip(started))
                Assert.True(code == 0, $"call {k} tick failed (exit {code}):\n{text}");
            var tickingFrom = clock.Elapsed;
            output.WriteLine($"reminders registered at +{tickingFrom.TotalSeconds:0.0} s (period {Period.TotalSeconds} s)");

            poller = PollAsync(sandbox.Table, samples, clock, stopPolling.Token);
            await Task.Delay(WarmUp);

            // The victim: the silo whose log shows the most counters ticking in the last 3 s.
            var hosts = CurrentHosts(silos, clock.Elapsed - TimeSpan.FromSeconds(3));
            var victim = silos.MaxBy(s => hosts.Count(h => h.Value == s))!;
            var onVictim = hosts.Where(h => h.Value == victim).Select(h => h.Key).Order().ToList();
            output.WriteLine("hosts before the kill: " + string.Join(", ", keys.Select(k => $"{k}@{(hosts.TryGetValue(k, out var h) ? h.Name : "?")}")));
            var killedAt = clock.Elapsed;
            victim.Kill();
            var gone = await Task.WhenAny(victim.Exited, Task.Delay(TimeSpan.FromSeconds(10))) == victim.Exited;
            Assert.True(gone, "kill -9 did not end the silo");
            output.WriteLine($"killed {victim.Name} (pid {victim.Pid}, hosting {(onVictim.Count > 0 ? string.Join(", ", onVictim) : "no counter")}) at +{killedAt.TotalSeconds:0.0} s");

            await Task.Delay(AfterKill);
            var endAt = clock.Elapsed;
            await stopPolling.CancelAsync();
            await poller;

            // Final read through a surviving silo's gateway (an Orleans client: `UserSilo call <key> get`).
            var survivor = silos.First(s => s != victim);
            var finals = new Dictionary<string, long>();
            foreach (var (k, (code, text)) in keys.Zip(await Task.WhenAll(keys.Select(k => CallAsync(dll, survivor, clusterArgs, k, "get")))))
            {
                var m = SnapshotLine().Match(text);
                Assert.True(code == 0 && m.Success, $"call {k} get through {survivor.Name} failed (exit {code}):\n{text}");
                finals[k] = long.Parse(m.Groups["ticks"].Value, CultureInfo.InvariantCulture);
            }

            var duplicates = Duplicates(silos);
            var hostsAfter = CurrentHosts(silos, endAt - TimeSpan.FromSeconds(3));
            var skipped = Skipped(silos);
            var problems = new List<string>();
            output.WriteLine($"{"counter",-8} {"host",-6} {"@kill",6} {"@end",6} {"grew",5} {"final",6} {"gap s",6} {"dups",5} {"skipped",7} {"backwards",9} {"host@end",8}");
            foreach (var k in keys)
            {
                var s = samples[k];
                var atKill = s.LastOrDefault(x => x.At <= killedAt)?.Ticks ?? 0;
                var atEnd = s.LastOrDefault()?.Ticks ?? 0;
                var backwards = s.Zip(s.Skip(1)).Count(p => p.Second.Ticks < p.First.Ticks);
                var gap = LongestGap(s, killedAt - TimeSpan.FromSeconds(5), endAt);
                var dups = duplicates.GetValueOrDefault(k);
                output.WriteLine($"{k,-8} {(hosts.TryGetValue(k, out var h) ? h.Name : "?"),-6} {atKill,6} {atEnd,6} {atEnd - atKill,5} {finals[k],6} {gap.TotalSeconds,6:0.00} {dups,5} {(skipped.TryGetValue(k, out var sk) ? sk.ToString(CultureInfo.InvariantCulture) : "?"),7} {backwards,9} {(hostsAfter.TryGetValue(k, out var ha) ? ha.Name : "?"),8}");
                if (atEnd - atKill < MinTicksAfterKill) problems.Add($"{k}: only {atEnd - atKill} ticks in the {AfterKill.TotalSeconds} s after the kill");
                if (backwards > 0) problems.Add($"{k}: the persisted tick count went backwards {backwards} time(s): {string.Join(" ", s.Select(x => x.Ticks).Distinct())}");
                if (finals[k] < atEnd) problems.Add($"{k}: the grain reports {finals[k]} ticks, fewer than the {atEnd} persisted");
            }
            var gaps = keys.Select(k => LongestGap(samples[k], killedAt - TimeSpan.FromSeconds(5), endAt)).ToList();
            output.WriteLine($"reminder gap around the kill: max {gaps.Max().TotalSeconds:0.00} s, counters on {victim.Name}: {Describe(onVictim.Select(k => gaps[Array.IndexOf(keys, k)]))}, others: {Describe(keys.Except(onVictim).Select(k => gaps[Array.IndexOf(keys, k)]))} (poll resolution {Poll.TotalMilliseconds} ms)");
            output.WriteLine($"duplicate ticks (same reminder period logged twice): {duplicates.Values.Sum()} " +
                             $"({(duplicates.Count > 0 ? string.Join(", ", duplicates.Select(d => $"{d.Key}: {d.Value}")) : "none")}); ticks logged by {victim.Name} in its last moments may be missing from its output, so this is a lower bound");
            Assert.True(onVictim.Count > 0, $"{victim.Name} hosted no counter: the kill tested nothing");
            Assert.Empty(problems);
        }
        finally
        {
            if (!stopPolling.IsCancellationRequested) await stopPolling.CancelAsync();
            if (poller is not null) await Task.WhenAny(poller, Task.Delay(TimeSpan.FromSeconds(10)));
            foreach (var s in silos.Where(s => !s.HasExited))
            {
                var code = await s.StopAsync(TimeSpan.FromSeconds(45));
                output.WriteLine($"{s.Name}: {(code is { } c ? $"stopped gracefully (exit {c})" : "did not stop within 45 s after SIGTERM; killed")}");
            }
            foreach (var s in silos) await s.DisposeAsync();
            await DeleteRemindersAsync(sandbox.ClusterId);
        }
    }

    private async Task PollAsync(string table, Dictionary<string, List<Sample>> samples, Stopwatch clock, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(Services.Postgres);
        using (var open = new CancellationTokenSource(TimeSpan.FromSeconds(20))) await connection.OpenAsync(open.Token);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await using var command = new NpgsqlCommand($"SELECT key, value FROM \"{table}\" WHERE key LIKE '%||grain||counter||%'", connection);
                await using var reader = await command.ExecuteReaderAsync(timeout.Token);
                var at = clock.Elapsed;
                while (await reader.ReadAsync(timeout.Token))
                {
                    var parts = reader.GetString(0).Split("||");
                    var grain = Array.IndexOf(parts, "grain");
                    if (grain < 0 || grain + 2 >= parts.Length || !samples.TryGetValue(parts[grain + 2], out var list)) continue;
                    using var json = JsonDocument.Parse((byte[])reader.GetValue(1));
                    if (json.RootElement.TryGetProperty("ticks", out var ticks)) list.Add(new Sample(at, ticks.GetInt64()));
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                output.WriteLine($"poll failed: {ex.Message}");
            }
            catch (OperationCanceledException)
            {
                break;
            }
            try { await Task.Delay(Poll, ct); } catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>The longest time between two observed increases of the persisted tick count within [from, to].</summary>
    private static TimeSpan LongestGap(List<Sample> samples, TimeSpan from, TimeSpan to)
    {
        var changes = samples.Zip(samples.Skip(1)).Where(p => p.Second.Ticks > p.First.Ticks).Select(p => p.Second.At).Where(t => t >= from && t <= to).ToList();
        var points = new List<TimeSpan> { from };
        points.AddRange(changes);
        points.Add(to);
        return points.Zip(points.Skip(1)).Max(p => p.Second - p.First);
    }

    private static string Describe(IEnumerable<TimeSpan> gaps) =>
        gaps.ToList() is { Count: > 0 } g ? string.Join(" ", g.Select(x => x.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture))) + " s" : "-";

    /// <summary>For each counter, the silo that logged its latest tick after <paramref name="since"/>.</summary>
    private static Dictionary<string, UserSiloProcess> CurrentHosts(List<UserSiloProcess> silos, TimeSpan since)
    {
        var latest = new Dictionary<string, (TimeSpan At, UserSiloProcess Silo)>();
        foreach (var s in silos)
            foreach (var (at, line) in s.Lines.Where(l => l.At >= since))
                if (TickLine().Match(line) is { Success: true } m && (!latest.TryGetValue(m.Groups["key"].Value, out var cur) || cur.At < at))
                    latest[m.Groups["key"].Value] = (at, s);
        return latest.ToDictionary(p => p.Key, p => p.Value.Silo);
    }

    /// <summary>Per counter, how many reminder periods were logged more than once (by any silo).</summary>
    private static Dictionary<string, int> Duplicates(List<UserSiloProcess> silos) =>
        silos.SelectMany(s => s.Lines).Select(l => TickLine().Match(l.Line)).Where(m => m.Success)
            .GroupBy(m => (Key: m.Groups["key"].Value, Slot: m.Groups["slot"].Value)).Where(g => g.Count() > 1)
            .GroupBy(g => g.Key.Key).ToDictionary(g => g.Key, g => g.Sum(x => x.Count() - 1));

    /// <summary>
    /// Per counter, reminder periods that passed without a tick, from its latest tick line: period number + 1 - ticks
    /// (each tick adds one; a duplicate would make this smaller).
    /// </summary>
    private static Dictionary<string, long> Skipped(List<UserSiloProcess> silos) =>
        silos.SelectMany(s => s.Lines).Select(l => TickLine().Match(l.Line)).Where(m => m.Success)
            .GroupBy(m => m.Groups["key"].Value)
            .ToDictionary(g => g.Key, g =>
            {
                var last = g.MaxBy(m => long.Parse(m.Groups["ticks"].Value, CultureInfo.InvariantCulture))!;
                return long.Parse(last.Groups["slot"].Value, CultureInfo.InvariantCulture) + 1 - long.Parse(last.Groups["ticks"].Value, CultureInfo.InvariantCulture);
            });

    private static async Task<(int Code, string Output)> CallAsync(string dll, UserSiloProcess via, string[] clusterArgs, string key, params string[] verb)
    {
        var psi = ActorRuntimeBinary.Dotnet([dll, "call", key, .. verb, .. clusterArgs, "--gateway-port", via.GatewayPort.ToString(CultureInfo.InvariantCulture)]);
        var (code, text, timedOut) = await ActorRuntimeBinary.RunToEndAsync(psi, CallTimeout);
        return (timedOut ? -1 : code, timedOut ? $"timed out after {CallTimeout.TotalSeconds} s\n{text}" : text);
    }

    private static async Task DeleteRemindersAsync(string serviceId)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Services.Postgres);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await connection.OpenAsync(cts.Token);
            await using var command = new NpgsqlCommand("DELETE FROM orleansreminderstable WHERE serviceid = @id", connection);
            command.Parameters.AddWithValue("id", serviceId);
            await command.ExecuteNonQueryAsync(cts.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    [GeneratedRegex(@"counter (?<key>\S+): tick (?<ticks>\d+) \(reminder period (?<slot>-?\d+)\)")]
    private static partial Regex TickLine();

    [GeneratedRegex(@"counter \S+: count=(?<count>\d+) ticks=(?<ticks>\d+)")]
    private static partial Regex SnapshotLine();
}
