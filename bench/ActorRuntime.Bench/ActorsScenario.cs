using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorRuntime.Bench.Targets;
using static ActorRuntime.Bench.ScenarioCommon;

namespace ActorRuntime.Bench;

/// <summary>
/// The <c>actors</c> scenario: one <c>actorrt run --app-id benchactors --app-port P</c> (in-process cluster, temporary
/// ACTORRT_HOME, an in-memory actor state store) in front of <see cref="ActorApp"/>, a Kestrel actor host in this
/// process. Measures actor method calls through the gateway (one id, 1,000 ids) beside the same app endpoint called
/// directly; activations/s and resident memory per idle activation; reminder registration rate, firing delay, deletion.
/// </summary>
internal static class ActorsScenario
{
    private const string AppId = "benchactors";
    private const int RoundRobinIds = 1_000;
    private const double CallsGoal = 10_000;
    private static readonly TimeSpan ReminderDue = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReminderWindow = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan BulkLoopLimit = TimeSpan.FromSeconds(180);
    private static readonly LoopLimits NoWarmup = new(TimeSpan.FromMilliseconds(1), 0);

    private sealed record CallRow(string Target, int Ids, int Round, RowResult Result, long AppCalls, long TurnViolations);

    private sealed record ActivationResult(RowResult Row, long? RssBefore, long? RssAfter, int AppIdsBefore, int AppIdsAfter);

    private sealed record ReminderResult(RowResult Register, int Registered, int Fired, int FiredInWindow, double DelayP50Ms, double DelayP99Ms,
        double DelayMaxMs, TimeSpan Waited, RowResult? Delete, long FiringsAfterDelete, long TotalFirings);

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
        var maxCallers = o.Callers.Max();

        var calls = new List<CallRow>();
        ActivationResult? activation = null;
        ReminderResult? reminders = null;
        ActorApp? app = null;
        RuntimeProcess? runtime = null;
        var logPath = Path.Combine(o.ResultsDir, $"actors-{stamp}-runtime.log");
        try
        {
            app = await ActorApp.StartAsync();
            Console.Error.WriteLine($"bench: actor app on port {app.Port}; starting the runtime (log {logPath})");
            runtime = await RuntimeProcess.StartAsync(actorrt,
                new RuntimeStart(AppId, resources, logPath) { AppPort = app.Port, Environment = o.RuntimeEnvironment }, http);
            var rt = runtime;
            var gw = $"http://127.0.0.1:{runtime.HttpPort}/v1.0/actors/{ActorApp.ActorType}";
            var direct = $"http://127.0.0.1:{app.Port}/actors/{ActorApp.ActorType}";
            Console.Error.WriteLine($"bench: runtime pid {runtime.Process.Id}, HTTP {runtime.HttpPort}");
            await WaitUntilAsync("actor type registered (a gateway actor call answered 200)", TimeSpan.FromSeconds(60),
                async () => await SendOkAsync(http, HttpMethod.Post, new Uri($"{gw}/probe/method/ping"), body, "actor call"), () => rt.Tail());

            // URIs are built once, outside the timed loop.
            Uri[] Uris(string prefix, string idPrefix, int ids, string method) =>
                Enumerable.Range(0, ids).Select(i => new Uri($"{prefix}/{idPrefix}{i}/method/{method}")).ToArray();
            var targets = new (string Name, int Ids, bool Gateway, Uri[] Uris, HttpMethod Method)[]
            {
                ("direct bench → app", 1, false, Uris(direct, "one-", 1, "m"), HttpMethod.Put),
                ("gateway", 1, true, Uris(gw, "one-", 1, "m"), HttpMethod.Post),
                ("direct bench → app", RoundRobinIds, false, Uris(direct, "rr-", RoundRobinIds, "m"), HttpMethod.Put),
                ("gateway", RoundRobinIds, true, Uris(gw, "rr-", RoundRobinIds, "m"), HttpMethod.Post),
            };
            BenchOp Op((string Name, int Ids, bool Gateway, Uri[] Uris, HttpMethod Method) t) =>
                i => SendOkAsync(http, t.Method, t.Uris[i % t.Uris.Length], body, t.Name);

            var runner = new RowRunner([new("bench", () => Process.GetCurrentProcess()), new("runtime", () => rt.Process)]);
            var planned = (from c in o.Callers from t in targets select (c, t))
                .Where(p => o.Filters.Length == 0 || o.Filters.Any(f => CallLabel(p.t.Name, p.t.Ids, p.c).Contains(f, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            Console.Error.WriteLine($"bench: initial warm-up, {maxCallers} callers for ≤ {o.InitialWarmup.TotalSeconds:0.#} s per target");
            foreach (var t in targets.Where(t => planned.Any(p => p.t == t)))
                await runner.WarmAsync(maxCallers, Op(t), new LoopLimits(o.InitialWarmup, 100_000));

            var warmup = new LoopLimits(o.WarmupDuration, o.WarmupMaxOps);
            var measure = new LoopLimits(o.RowDuration, o.RowMaxOps);
            for (var round = 1; round <= o.Rounds; round++)
            {
                foreach (var (callers, t) in planned)
                {
                    if (rt.HasExited) throw new BenchFailedException($"the runtime exited; log {logPath}:\n{rt.Tail()}");
                    var calls0 = app.Calls;
                    var violations0 = app.TurnViolations;
                    var r = await MeasureAsync(o, runner, CallLabel(t.Name, t.Ids, callers), callers, Op(t), warmup, measure);
                    calls.Add(new CallRow(t.Name, t.Ids, round, r, app.Calls - calls0, app.TurnViolations - violations0));
                }
            }

            if (o.Filters.Length == 0 || o.Filters.Any(f => "activations".Contains(f, StringComparison.OrdinalIgnoreCase)))
                activation = await ActivationsAsync(o, runner, rt, app, http, gw, body, maxCallers);
            if (o.Filters.Length == 0 || o.Filters.Any(f => "reminders".Contains(f, StringComparison.OrdinalIgnoreCase)))
                reminders = await RemindersAsync(o, runner, rt, app, http, gw, maxCallers);
            Console.Error.WriteLine($"bench: app saw {app.Calls:N0} method calls, {app.ReminderFirings:N0} reminder firings, {app.Deactivations:N0} deactivations, {app.TurnViolations:N0} turn violations, {app.DistinctIds:N0} distinct ids");
        }
        finally
        {
            if (runtime is not null) await runtime.DisposeAsync();
            if (app is not null) await app.DisposeAsync();
            try { Directory.Delete(resources, recursive: true); } catch (IOException) { }
        }

        environment.LoadAverageAfter = RunEnvironment.LoadAverage();
        await WriteResultAsync(o, "actors", stamp, Render(o, environment, startedAt, calls, activation, reminders, app));
        return calls.Any(r => r.Result.Errors > 0 || (r.Target == "gateway" && r.TurnViolations > 0)) || activation?.Row.Errors > 0 || reminders?.Register.Errors > 0 ? 1 : 0;
    }

    private static string CallLabel(string target, int ids, int callers) => $"{target}, {ids:N0} id(s) x{callers}";

    /// <summary>N new ids, one call each, from the most callers; VmRSS of the runtime before and after (each after 3 s of quiet).</summary>
    private static async Task<ActivationResult> ActivationsAsync(BenchOptions o, RowRunner runner, RuntimeProcess rt, ActorApp app,
        HttpClient http, string gw, byte[] body, int callers)
    {
        var n = o.ActorIds;
        var uris = Enumerable.Range(0, n).Select(i => new Uri($"{gw}/act-{i}/method/m")).ToArray();
        await Task.Delay(3000);
        GC.Collect();
        var before = rt.ResidentBytes();
        var ids0 = app.DistinctIds;
        var row = await MeasureAsync(o, runner, $"activate {n:N0} new ids x{callers}", callers,
            i => SendOkAsync(http, HttpMethod.Post, uris[i], body, "activation"), NoWarmup, new LoopLimits(BulkLoopLimit, n));
        await Task.Delay(3000);
        var after = rt.ResidentBytes();
        Console.Error.WriteLine($"bench: runtime RSS {before / 1048576.0:0.0} MiB -> {after / 1048576.0:0.0} MiB after {row.Ops:N0} activations ({(after - before) / (double)Math.Max(1, row.Ops):0} B each)");
        return new ActivationResult(row, before, after, ids0, app.DistinctIds);
    }

    /// <summary>K reminders (dueTime 5 s, period 10 s) on K new ids; firing delay vs. registration time + 5 s; then deleted.</summary>
    private static async Task<ReminderResult> RemindersAsync(BenchOptions o, RowRunner runner, RuntimeProcess rt, ActorApp app,
        HttpClient http, string gw, int callers)
    {
        var k = o.Reminders;
        var ids = Enumerable.Range(0, k).Select(i => $"rem-{i}").ToArray();
        var uris = ids.Select(id => new Uri($"{gw}/{id}/reminders/r")).ToArray();
        var reminderBody = Encoding.UTF8.GetBytes("{\"dueTime\":\"5s\",\"period\":\"10s\"}");
        var sent = new long[k];
        var ok = new bool[k];
        var register = await MeasureAsync(o, runner, $"register {k:N0} reminders x{callers}", callers, async i =>
        {
            sent[i] = Stopwatch.GetTimestamp();
            await SendOkAsync(http, HttpMethod.Post, uris[i], reminderBody, "register reminder");
            ok[i] = true;
        }, NoWarmup, new LoopLimits(BulkLoopLimit, k));
        var registered = Enumerable.Range(0, k).Where(i => ok[i]).ToArray();
        var lastDue = registered.Length == 0 ? Stopwatch.GetTimestamp() : registered.Max(i => sent[i]) + (long)(ReminderDue.TotalSeconds * Stopwatch.Frequency);
        var waitUntil = lastDue + (long)(ReminderWindow.TotalSeconds * Stopwatch.Frequency);
        var waitStart = Stopwatch.GetTimestamp();
        Console.Error.WriteLine($"bench: {registered.Length:N0} reminders registered; waiting for their first firing (≤ {ReminderWindow.TotalSeconds:0} s after the last due time)");
        while (Stopwatch.GetTimestamp() < waitUntil && registered.Count(i => app.FirstFiring.ContainsKey(ids[i])) < registered.Length)
            await Task.Delay(250);
        var waited = Stopwatch.GetElapsedTime(waitStart);

        var delays = new List<double>();
        foreach (var i in registered)
            if (app.FirstFiring.TryGetValue(ids[i], out var at))
                delays.Add((at - sent[i]) * 1000.0 / Stopwatch.Frequency - ReminderDue.TotalMilliseconds);
        delays.Sort();
        double P(double q) => delays.Count == 0 ? double.NaN : delays[(int)Math.Ceiling(q * delays.Count) - 1];
        var inWindow = delays.Count(d => d <= ReminderWindow.TotalMilliseconds);
        Console.Error.WriteLine($"bench: {delays.Count:N0} of {registered.Length:N0} fired; delay p50 {P(0.5):0.0} ms, p99 {P(0.99):0.0} ms; {inWindow:N0} within {ReminderWindow.TotalSeconds:0} s of due");

        var del = await MeasureAsync(o, runner, $"delete {registered.Length:N0} reminders x{callers}", callers,
            i => SendOkAsync(http, HttpMethod.Delete, uris[registered[i]], null, "delete reminder"), NoWarmup, new LoopLimits(BulkLoopLimit, Math.Max(1, registered.Length)));
        // In-flight firings may still land just after the deletes; count what arrives after a further 1 s, over one period.
        await Task.Delay(1000);
        var firings0 = app.ReminderFirings;
        await Task.Delay(TimeSpan.FromSeconds(11));
        var after = app.ReminderFirings - firings0;
        Console.Error.WriteLine($"bench: {after:N0} reminder firings in the 11 s after deleting them");
        return new ReminderResult(register, registered.Length, delays.Count, inWindow, P(0.5), P(0.99), delays.Count == 0 ? double.NaN : delays[^1],
            waited, del, after, app.ReminderFirings);
    }

    private static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<CallRow> rows,
        ActivationResult? act, ReminderResult? rem, ActorApp? app)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### Actors: method calls, activations, memory, reminders");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}; runtime built from `{env.Commit}`. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- One `actorrt run --app-id {AppId} --app-port <app>` (ACTORRT_CLUSTER=inprocess, temporary ACTORRT_HOME, `state.in-memory` with actorStateStore, in-memory reminders); the actor host is a Kestrel app in the bench process. Each call row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops; {o.Rounds} round(s). Closed loop.");
        sb.AppendLine("- gateway: `POST /v1.0/actors/BenchActor/{id}/method/m` (7-byte body) → 200 `{\"ok\":true}`; direct: `PUT /actors/BenchActor/{id}/method/m` on the app itself (what the runtime sends it). `app calls` = calls the app counted during the row, its warm-up included; `turn violations` = calls that arrived on an id while another call on that id was still in progress in the app: they must be 0 through the gateway; direct rows have no runtime in between, so with 32 callers on one id they show that the check works.");
        sb.AppendLine("- CPU µs/op: bench (load generator + actor app) / runtime process (silo + gateway). Others: cores used by every other process meanwhile.");
        sb.AppendLine();
        sb.AppendLine("| target | ids | callers | ops/s | p50 ms | p99 ms | ÷ direct ops/s | CPU µs/op bench / runtime | app calls | turn violations | others (cores) | errors |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var d = rows.FirstOrDefault(x => x.Target.StartsWith("direct", StringComparison.Ordinal) && x.Ids == r.Ids && x.Round == r.Round && x.Result.Callers == r.Result.Callers);
            var ratio = r.Target == "gateway" && d is not null && d.Result.OpsPerSecond > 0 ? $"{r.Result.OpsPerSecond / d.Result.OpsPerSecond * 100:0}%" : "";
            sb.AppendLine(inv, $"| {r.Target} | {r.Ids:N0} | {r.Result.Callers} | {r.Result.OpsPerSecond:N0} | {Ms(r.Result.P50Ms)} | {Ms(r.Result.P99Ms)} | {ratio} | {Cpu(r.Result, "bench", "runtime")} | {r.AppCalls:N0} | {r.TurnViolations:N0}{(r.Target == "gateway" ? "" : " (no runtime)")} | {r.Result.OtherCores:0.00} | {Errors(r.Result)} |");
        }
        var best = rows.Where(r => r.Target == "gateway").MaxBy(r => r.Result.OpsPerSecond);
        if (best is not null)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"Goal ≥ {CallsGoal:N0} actor calls/s through the gateway: best row {best.Result.OpsPerSecond:N0} calls/s ({best.Ids:N0} id(s), {best.Result.Callers} callers) — {(best.Result.OpsPerSecond >= CallsGoal ? "met" : $"missed ({best.Result.OpsPerSecond / CallsGoal * 100:0}% of the goal)")}.");
        }
        if (act is not null)
        {
            var r = act.Row;
            var delta = act.RssAfter - act.RssBefore;
            sb.AppendLine();
            sb.AppendLine("| activations | callers | activations/s | p50 ms | p99 ms | runtime RSS before → after | RSS per activation | CPU µs/op bench / runtime | errors |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            sb.AppendLine(inv, $"| {r.Ops:N0} of {o.ActorIds:N0} | {r.Callers} | {r.OpsPerSecond:N0} | {Ms(r.P50Ms)} | {Ms(r.P99Ms)} | {act.RssBefore / 1048576.0:0.0} → {act.RssAfter / 1048576.0:0.0} MiB | {(delta is { } dd && r.Ops > 0 ? $"{dd / (double)r.Ops / 1024:0.00} KiB" : "?")} | {Cpu(r, "bench", "runtime")} | {Errors(r)} |");
            sb.AppendLine();
            sb.AppendLine(inv, $"Each activation = the first call on a new id (`act-0`…), through the gateway. RSS read from /proc/<pid>/status 3 s before and 3 s after; the runtime runs Server GC, so the delta includes whatever garbage the GC had not returned yet: read it as an upper bound per idle activation, not an exact size. The app saw {act.AppIdsAfter - act.AppIdsBefore:N0} new ids.");
        }
        if (rem is not null)
        {
            sb.AppendLine();
            sb.AppendLine("| reminders | registered/s | register p50 / p99 ms | fired (first firing) | within 20 s of due | firing delay p50 / p99 / max ms | deleted/s | firings in the 11 s after delete | errors (register / delete) |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            sb.AppendLine(inv, $"| {rem.Registered:N0} of {o.Reminders:N0} | {rem.Register.OpsPerSecond:N0} | {Ms(rem.Register.P50Ms)} / {Ms(rem.Register.P99Ms)} | {rem.Fired:N0} | {(rem.Registered > 0 ? rem.FiredInWindow * 100.0 / rem.Registered : double.NaN):0.0}% | {rem.DelayP50Ms:0} / {rem.DelayP99Ms:0} / {rem.DelayMaxMs:0} | {rem.Delete?.OpsPerSecond ?? 0:N0} | {rem.FiringsAfterDelete:N0} | {Errors(rem.Register)} / {(rem.Delete is null ? "–" : Errors(rem.Delete))} |");
            sb.AppendLine();
            sb.AppendLine(inv, $"Reminders: `POST /v1.0/actors/BenchActor/rem-<i>/reminders/r` with `{{\"dueTime\":\"5s\",\"period\":\"10s\"}}` from {rem.Register.Callers} callers; delay = arrival of the first `PUT /actors/BenchActor/rem-<i>/method/remind/r` at the app − (time the registration request was sent + 5 s), so it also contains the registration's own latency. The bench waited {rem.Waited.TotalSeconds:0.0} s after registering (until every reminder had fired, or 20 s after the last due time).");
        }
        if (app is not null)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"Whole run, as seen by the app: {app.Calls:N0} method calls, {app.ReminderFirings:N0} reminder firings, {app.Deactivations:N0} deactivations, {app.TurnViolations:N0} turn violations.");
        }
        return sb.ToString();
    }
}
