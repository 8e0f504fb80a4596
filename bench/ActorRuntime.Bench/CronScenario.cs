using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorRuntime.Bench.Targets;
using static ActorRuntime.Bench.ScenarioCommon;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>cron</c> scenario: firing delay of <c>bindings.cron</c>. One <c>actorrt run</c> (its own machine-local
/// cluster of one silo) with N cron bindings (<c>--cron-bindings</c>, default 1,000), each <c>@every 1s</c>, the last
/// fired tick persisted in an SQLite actor state store as in the default setup, in front of <see cref="CronApp"/> in
/// this process. Once every binding has fired, ticks are measured for <c>--duration</c> seconds: delay = arrival at
/// the app − the tick's scheduled time, p50/p99/max, ticks received vs. expected, duplicates.
/// </summary>
internal static class CronScenario
{
    public static async Task<int> RunAsync(BenchOptions o)
    {
        Directory.CreateDirectory(o.ResultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var startedAt = DateTimeOffset.Now;
        var environment = RunEnvironment.Capture(o);
        var actorrt = await RuntimeProcess.LocateOrBuildAsync(o);
        using var http = NewHttpClient(o);
        var rows = new List<string>();
        var failed = false;
        foreach (var store in new[] { "state.sqlite", "state.in-memory" })
        {
            var (row, ok) = await RunOneAsync(o, actorrt, store, stamp, http);
            rows.Add(row);
            failed |= !ok;
        }
        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        await WriteResultAsync(o, "cron", stamp, Render(o, environment, startedAt, rows));
        return failed ? 1 : 0;
    }

    private static async Task<(string Row, bool Ok)> RunOneAsync(BenchOptions o, string actorrt, string store, string stamp, HttpClient http)
    {
        var resources = await ResourcesAsync(o.CronBindings, store);
        CronApp? app = null;
        RuntimeProcess? runtime = null;
        try
        {
            app = await CronApp.StartAsync();
            var log = Path.Combine(o.ResultsDir, $"cron-{stamp}-{store}-runtime.log");
            var started = Stopwatch.StartNew();
            runtime = await RuntimeProcess.StartAsync(actorrt, new RuntimeStart("benchcron", resources, log) { AppPort = app.Port, Environment = o.RuntimeEnvironment }, http);
            var rt = runtime;
            var a = app;
            await WaitUntilAsync($"all {o.CronBindings} cron bindings firing", TimeSpan.FromSeconds(180), () =>
                a.BindingsFired >= o.CronBindings ? Task.CompletedTask : throw new InvalidOperationException($"{a.BindingsFired} of {o.CronBindings} fired so far"), () => rt.Tail());
            var allFiringAfter = started.Elapsed;
            // Measure whole ticks only: from the next second on, for --duration seconds, then let late events arrive.
            var from = DateTime.UtcNow.AddSeconds(1);
            from = new DateTime(from.Ticks - from.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            var to = from + TimeSpan.FromSeconds(Math.Max(1, Math.Round(o.RowDuration.TotalSeconds)));
            var cpuBefore = rt.Process.TotalProcessorTime;
            await Task.Delay(to - DateTime.UtcNow + TimeSpan.FromSeconds(5));
            var cpu = rt.Process.TotalProcessorTime - cpuBefore;
            var delays = app.DelaysBetween(from, to);
            delays.Sort();
            var expected = (long)(to - from).TotalSeconds * o.CronBindings;
            return (Row(o, store, allFiringAfter, to - from, delays, expected, app.Duplicates, cpu, rt.ResidentBytes()), delays.Count > 0);
        }
        finally
        {
            if (runtime is not null) await runtime.DisposeAsync();
            if (app is not null) await app.DisposeAsync();
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<string> ResourcesAsync(int count, string store)
    {
        var dir = Directory.CreateTempSubdirectory("actorrt-bench-cron-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: {store}
              version: v1
              metadata:
            {(store == "state.sqlite" ? $"  - name: connectionString\n    value: {Path.Combine(dir, "state.sqlite")}\n" : "")}  - name: actorStateStore
                value: "true"
            """);
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: cron{i:D4}
                spec:
                  type: bindings.cron
                  version: v1
                  metadata:
                  - name: schedule
                    value: "@every 1s"
                ---

                """);
        }
        await File.WriteAllTextAsync(Path.Combine(dir, "crons.yaml"), sb.ToString());
        return dir;
    }

    private static string Row(BenchOptions o, string store, TimeSpan allFiring, TimeSpan window, List<double> delays, long expected, int duplicates, TimeSpan cpu, long? rss)
    {
        var inv = CultureInfo.InvariantCulture;
        double P(double q) => delays.Count == 0 ? double.NaN : delays[Math.Min(delays.Count - 1, (int)Math.Floor(q * delays.Count))];
        return string.Create(inv, $"| {o.CronBindings:N0} | `{store}` | {allFiring.TotalSeconds:0.0} | {expected:N0} | {delays.Count:N0} | {duplicates} | {Ms(P(0.5))} | {Ms(P(0.99))} | {Ms(delays.Count == 0 ? double.NaN : delays[^1])} | {cpu.TotalSeconds / window.TotalSeconds:0.00} | {(rss is { } r ? (r / 1048576.0).ToString("0", inv) : "?")} |");
    }

    private static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, List<string> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Cron input bindings: firing delay");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Per row one `actorrt run` (one silo), {o.CronBindings:N0} `bindings.cron` components `@every 1s`, the last fired tick persisted per tick in the actor state store of the row (SQLite as in the default setup, or in memory: no durable write); the app (Kestrel, in the bench process) answers 200. Once every binding has fired, ticks of {Math.Round(o.RowDuration.TotalSeconds):0} s are measured. Delay = arrival at the app − the tick's scheduled time (`readTimeUTC`). A tick the grain reaches more than a period late is folded into the latest one (as after a failover), so received < expected means ticks were dropped as late.");
        sb.AppendLine();
        sb.AppendLine("| bindings | actor state store | all firing after s | ticks expected | received | duplicates | p50 ms | p99 ms | max ms | runtime CPU (cores) | runtime RSS MB |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows) sb.AppendLine(r);
        return sb.ToString();
    }
}
