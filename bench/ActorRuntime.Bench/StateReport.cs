using System.Globalization;
using System.Text;

namespace ActorRuntime.Bench;

/// <summary>The Markdown result of the state scenario: the rows (medians over rounds), then the goals judged from them.</summary>
internal static class StateReport
{
    private const string DirectString = "direct SE.Redis SET/GET";
    private const string DirectScript = "direct SE.Redis Lua+hash";
    private const double ThroughputGoal = 0.50;
    private const double GetP99GoalMs = 2.0;
    private static readonly string[] ProcessNames = ["bench", "runtime", "redis"];

    /// <summary>One row of the table: every round of one (target, store, op, callers).</summary>
    private sealed record Row(TargetSpec Spec, string Op, int Callers, IReadOnlyList<MeasuredRow> Rounds)
    {
        public double OpsPerSecond => Median(Rounds.Select(r => r.Result.OpsPerSecond));
        public double P50Ms => Median(Rounds.Select(r => r.Result.P50Ms));
        public double P99Ms => Median(Rounds.Select(r => r.Result.P99Ms));
        public double OtherCores => Median(Rounds.Select(r => r.Result.OtherCores));
        public long Errors => Rounds.Sum(r => r.Result.Errors);
        public string? FirstError => Rounds.Select(r => r.Result.FirstError).FirstOrDefault(e => e is not null);
        public double? Cpu(string process) =>
            Rounds.All(r => r.Result.CpuMicrosPerOp.ContainsKey(process)) ? Median(Rounds.Select(r => r.Result.CpuMicrosPerOp[process])) : null;
        public string Label => $"{Spec.Name} [{Spec.Store}] {Op} x{Callers}";
    }

    public static string Render(BenchOptions o, RunEnvironment env, DateTimeOffset startedAt, IReadOnlyList<MeasuredRow> measured)
    {
        var rows = measured.GroupBy(m => (m.Spec, m.Op, m.Result.Callers))
            .Select(g => new Row(g.Key.Spec, g.Key.Op, g.Key.Callers, g.OrderBy(m => m.Round).ToList()))
            .ToList();
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("### State building block: gateway vs. StackExchange.Redis direct");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Run: {startedAt:yyyy-MM-dd HH:mm zzz}; machine: {env.Cores} cores ({env.Cpu}), {env.Os}; {env.DotNet}, {(env.ServerGc ? "Server GC" : "workstation GC")} in the bench; runtime built from `{env.Commit}`.");
        sb.AppendLine(inv, $"- Redis {env.RedisVersion ?? "?"} at {o.Redis}, shared by the runtime's `state.redis` store and the direct rows. Load average before / after: {env.LoadAverageBefore} / {env.LoadAverageAfter}.");
        sb.AppendLine(inv, $"- Each row: warm-up ≤ {o.WarmupDuration.TotalSeconds:0.#} s or ≤ {o.WarmupMaxOps:N0} ops, then measured ≤ {o.RowDuration.TotalSeconds:0.#} s or ≤ {o.RowMaxOps:N0} ops, whichever first; {o.Rounds} round(s), rows interleaved, figures are medians over rounds. Closed loop: each caller awaits its op before the next. Keys round-robin over {o.Keys:N0}; values {o.PayloadBytes} B of JSON.");
        sb.AppendLine("- `save+get` is one op: a save then a get of the same key; its latency covers both calls. Ratios divide ops/s by the direct row with the same op and callers measured in the same round (median over rounds), or by the bare Kestrel row of the same protocol.");
        if (o.QuietMaxWait > TimeSpan.Zero)
            sb.AppendLine(inv, $"- Before each row the bench waited (≤ {o.QuietMaxWait.TotalSeconds:0} s) for the other processes on the machine to use ≤ {o.QuietThreshold:0.##} cores; the `others` column shows what they used during the row anyway.");
        sb.AppendLine("- CPU µs/op: each process's CPU time over the measured part of the row divided by its ops (bench = this load generator, which also hosts the bare Kestrel server). Others: cores used meanwhile by every other process on the machine (noise).");
        sb.AppendLine();
        var showRange = o.Rounds > 1;
        sb.Append("| target | store | op | callers | ops/s |").Append(showRange ? " ops/s min–max |" : "")
          .AppendLine(" p50 ms | p99 ms | ÷ direct SET/GET | ÷ direct Lua+hash | ÷ bare Kestrel | CPU µs/op bench / runtime / redis | others (cores) | errors |");
        sb.Append("|---|---|---|---:|---:|").Append(showRange ? "---:|" : "").AppendLine("---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var isGateway = row.Spec.Kind == TargetKind.Gateway;
            sb.Append(inv, $"| {row.Spec.Name} | {row.Spec.Store} | {row.Op} | {row.Callers} | {row.OpsPerSecond:N0} |");
            if (showRange) sb.Append(inv, $" {row.Rounds.Min(r => r.Result.OpsPerSecond):N0}–{row.Rounds.Max(r => r.Result.OpsPerSecond):N0} |");
            sb.Append(inv, $" {Ms(row.P50Ms)} | {Ms(row.P99Ms)} | ");
            sb.Append(isGateway ? Pct(Ratio(rows, row, DirectString)) : "").Append(" | ");
            sb.Append(isGateway ? Pct(Ratio(rows, row, DirectScript)) : "").Append(" | ");
            sb.Append(isGateway ? Pct(Ratio(rows, row, BaselineFor(row))) : "").Append(" | ");
            sb.Append(string.Join(" / ", ProcessNames.Select(p => row.Cpu(p) is { } us ? us.ToString("0", inv) : "?")));
            sb.Append(inv, $" | {row.OtherCores:0.00} | {row.Errors}{(row.Errors > 0 ? $" ({row.FirstError})" : "")} |");
            sb.AppendLine();
        }

        sb.AppendLine();
        sb.AppendLine("#### Goals");
        sb.AppendLine();
        sb.AppendLine("| goal | row | measured | result |");
        sb.AppendLine("|---|---|---|---|");
        var maxCallers = o.Callers.Max();
        foreach (var row in rows.Where(r => r.Spec.Kind == TargetKind.Gateway && r.Spec.Store == "redis" && r.Callers == maxCallers))
        {
            var vsString = Ratio(rows, row, DirectString);
            var vsScript = Ratio(rows, row, DirectScript);
            if (vsString is null) continue;
            var verdict = vsString >= ThroughputGoal ? "met" : $"missed by {(ThroughputGoal - vsString.Value) * 100:0} points";
            sb.AppendLine(inv, $"| gateway ≥ 50% of direct ops/s at {maxCallers} callers | {row.Label} | {Pct(vsString)} of SET/GET ({Pct(vsScript)} of Lua+hash) | {verdict} |");
        }
        foreach (var row in rows.Where(r => r.Spec.Kind == TargetKind.Gateway && r.Op == "get"))
        {
            var verdict = row.P99Ms <= GetP99GoalMs ? "met" : $"missed by {row.P99Ms - GetP99GoalMs:0.00} ms";
            sb.AppendLine(inv, $"| gateway GET p99 ≤ 2 ms | {row.Label} | {Ms(row.P99Ms)} ms | {verdict} |");
        }
        return sb.ToString();
    }

    private static string BaselineFor(Row row) => row.Spec.Name.EndsWith("gRPC", StringComparison.Ordinal) ? "bare Kestrel gRPC" : "bare Kestrel HTTP";

    /// <summary>Median over rounds of this row's ops/s divided by the denominator's in the same round.</summary>
    private static double? Ratio(IReadOnlyList<Row> rows, Row row, string denominatorTarget)
    {
        var d = rows.FirstOrDefault(r => r.Spec.Name == denominatorTarget && r.Op == row.Op && r.Callers == row.Callers);
        if (d is null) return null;
        var ratios = row.Rounds
            .Select(m => (m, den: d.Rounds.FirstOrDefault(x => x.Round == m.Round)))
            .Where(p => p.den is not null && p.den.Result.OpsPerSecond > 0)
            .Select(p => p.m.Result.OpsPerSecond / p.den!.Result.OpsPerSecond)
            .ToList();
        return ratios.Count == 0 ? null : Median(ratios);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Pct(double? ratio) => ratio is { } r ? $"{r * 100:0}%" : "–";

    private static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms.ToString(ms < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
