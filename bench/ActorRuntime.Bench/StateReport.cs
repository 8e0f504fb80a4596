using System.Globalization;
using System.Text;

namespace ActorRuntime.Bench;

/// <summary>The Markdown result of the state scenario: the rows, then the goals judged from them.</summary>
internal static class StateReport
{
    private const string DirectString = "direct SE.Redis SET/GET";
    private const string DirectScript = "direct SE.Redis Lua+hash";
    private const double ThroughputGoal = 0.50;
    private const double GetP99GoalMs = 2.0;

    public static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<MeasuredRow> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### State building block: gateway vs. StackExchange.Redis direct");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}, {(env.ServerGc ? "Server GC" : "workstation GC")} in the bench; runtime from `{env.Commit}`.");
        sb.AppendLine(inv, $"- Redis {env.RedisVersion ?? "?"} at {o.Redis}, shared by the runtime's `state.redis` store and the direct rows. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops, whichever first. Closed loop: each caller awaits its op before the next. Keys round-robin over {o.Keys:N0}; values {o.PayloadBytes} B of JSON.");
        sb.AppendLine("- `save+get` is one op: a save then a get of the same key; its latency covers both calls. Ratios divide ops/s by the direct row with the same op and callers, or by the bare Kestrel row of the same protocol. CPU is per op, in µs, from each process's CPU time over the measured part of the row (bench = this load generator, which also hosts the bare Kestrel server).");
        sb.AppendLine();
        sb.AppendLine("| target | store | op | callers | ops/s | p50 ms | p99 ms | ÷ direct SET/GET | ÷ direct Lua+hash | ÷ bare Kestrel | CPU µs/op bench / runtime / redis | errors |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var r = row.Result;
            var isGateway = row.Spec.Kind == TargetKind.Gateway;
            sb.Append(inv, $"| {row.Spec.Name} | {row.Spec.Store} | {row.Op} | {r.Callers} | {r.OpsPerSecond:N0} | {Ms(r.P50Ms)} | {Ms(r.P99Ms)} | ");
            sb.Append(isGateway ? Pct(Ratio(rows, row, DirectString)) : "").Append(" | ");
            sb.Append(isGateway ? Pct(Ratio(rows, row, DirectScript)) : "").Append(" | ");
            sb.Append(isGateway ? Pct(Ratio(rows, row, BaselineFor(row))) : "").Append(" | ");
            sb.Append(string.Join(" / ", new[] { "bench", "runtime", "redis" }.Select(p => r.CpuMicrosPerOp.TryGetValue(p, out var us) ? us.ToString("0", inv) : "?")));
            sb.Append(inv, $" | {r.Errors}{(r.Errors > 0 ? $" ({r.FirstError})" : "")} |");
            sb.AppendLine();
        }

        sb.AppendLine();
        sb.AppendLine("#### Goals");
        sb.AppendLine();
        sb.AppendLine("| goal | row | measured | result |");
        sb.AppendLine("|---|---|---|---|");
        var maxCallers = o.Callers.Max();
        foreach (var row in rows.Where(r => r.Spec.Kind == TargetKind.Gateway && r.Spec.Store == "redis" && r.Result.Callers == maxCallers))
        {
            var vsString = Ratio(rows, row, DirectString);
            var vsScript = Ratio(rows, row, DirectScript);
            if (vsString is null) continue;
            var verdict = vsString >= ThroughputGoal ? "met" : $"missed by {(ThroughputGoal - vsString.Value) * 100:0} points";
            sb.AppendLine(inv, $"| gateway ≥ 50% of direct ops/s at {maxCallers} callers | {row.Spec.Name} [redis] {row.Op} | {Pct(vsString)} of SET/GET ({Pct(vsScript)} of Lua+hash) | {verdict} |");
        }
        foreach (var row in rows.Where(r => r.Spec.Kind == TargetKind.Gateway && r.Op == "get"))
        {
            var p99 = row.Result.P99Ms;
            var verdict = p99 <= GetP99GoalMs ? "met" : $"missed by {p99 - GetP99GoalMs:0.00} ms";
            sb.AppendLine(inv, $"| gateway GET p99 ≤ 2 ms | {row.Spec.Name} [{row.Spec.Store}] get x{row.Result.Callers} | {Ms(p99)} ms | {verdict} |");
        }
        return sb.ToString();
    }

    private static string BaselineFor(MeasuredRow row) => row.Spec.Name.EndsWith("gRPC", StringComparison.Ordinal) ? "bare Kestrel gRPC" : "bare Kestrel HTTP";

    private static double? Ratio(IReadOnlyList<MeasuredRow> rows, MeasuredRow row, string denominatorTarget)
    {
        var d = rows.FirstOrDefault(r => r.Spec.Name == denominatorTarget && r.Op == row.Op && r.Result.Callers == row.Result.Callers);
        return d is null || d.Result.OpsPerSecond <= 0 ? null : row.Result.OpsPerSecond / d.Result.OpsPerSecond;
    }

    private static string Pct(double? ratio) => ratio is { } r ? $"{r * 100:0}%" : "–";

    private static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms.ToString(ms < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
