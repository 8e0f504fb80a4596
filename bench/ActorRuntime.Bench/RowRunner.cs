using System.Diagnostics;

namespace ActorRuntime.Bench;

/// <summary>One measured operation; <paramref name="index"/> is the op's sequence number in the row.</summary>
internal delegate ValueTask BenchOp(int index);

/// <summary>Bounds of one loop: it stops at whichever of the two comes first.</summary>
internal readonly record struct LoopLimits(TimeSpan Duration, int MaxOps);

internal sealed record RowResult(
    string Label,
    int Callers,
    long Ops,
    TimeSpan Elapsed,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    long Errors,
    string? FirstError,
    IReadOnlyDictionary<string, double> CpuMicrosPerOp,
    double OtherCores)
{
    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Ops / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Runs an op from N concurrent callers, each awaiting its previous op before starting the next (closed loop).
/// Each op claims a sequence number first; the loop stops claiming when the time bound passes or the count bound is
/// reached, so every claimed number is executed and timed. Latency is per op, from just before the call to its end.
/// </summary>
internal sealed class RowRunner(IReadOnlyList<CpuProbe> probes)
{
    private const int MaxErrorsPerRow = 100;
    private long[] _samples = new long[1];

    /// <summary>
    /// Waits (at most <paramref name="maxWait"/>) until the rest of the machine uses at most <paramref name="threshold"/>
    /// cores over a 0.5 s window, so a row does not start in the middle of someone else's build. Returns the time waited
    /// and the last load seen.
    /// </summary>
    public async Task<(TimeSpan Waited, double OtherCores)> WaitForQuietAsync(double threshold, TimeSpan maxWait)
    {
        var started = Stopwatch.GetTimestamp();
        var others = double.NaN;
        while (true)
        {
            var ours0 = OurCpu();
            var machine0 = MachineCpu.BusyTime();
            var t0 = Stopwatch.GetTimestamp();
            await Task.Delay(500);
            var machine1 = MachineCpu.BusyTime();
            var ours1 = OurCpu();
            var window = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (machine0 is null || machine1 is null) return (TimeSpan.Zero, double.NaN);
            others = Math.Max(0, ((machine1 - machine0) - (ours1 - ours0)).Value.TotalSeconds / window);
            var waited = Stopwatch.GetElapsedTime(started);
            if (others <= threshold || waited >= maxWait) return (waited, others);
        }
    }

    private TimeSpan OurCpu() => probes.Select(p => p.Read() ?? TimeSpan.Zero).Aggregate(TimeSpan.Zero, (a, b) => a + b);

    /// <summary>Runs the op untimed: JIT tiering, connections, grain activations.</summary>
    public async Task WarmAsync(int callers, BenchOp op, LoopLimits warmup)
    {
        if (_samples.Length < warmup.MaxOps) _samples = new long[warmup.MaxOps];
        await LoopAsync(callers, op, warmup);
    }

    public async Task<RowResult> RunAsync(string label, int callers, BenchOp op, LoopLimits warmup, LoopLimits measure)
    {
        if (_samples.Length < Math.Max(warmup.MaxOps, measure.MaxOps)) _samples = new long[Math.Max(warmup.MaxOps, measure.MaxOps)];
        await LoopAsync(callers, op, warmup);

        // Let the previous row's garbage go now rather than in the middle of this row.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpuBefore = probes.Select(p => p.Read()).ToArray();
        var machineBefore = MachineCpu.BusyTime();
        var loop = await LoopAsync(callers, op, measure);
        var machineAfter = MachineCpu.BusyTime();
        var cpuAfter = probes.Select(p => p.Read()).ToArray();

        var n = (int)loop.Ops;
        Array.Sort(_samples, 0, n);
        var cpu = new Dictionary<string, double>();
        var ours = TimeSpan.Zero;
        for (var i = 0; i < probes.Count; i++)
        {
            if (cpuBefore[i] is { } before && cpuAfter[i] is { } after && n > 0)
            {
                cpu[probes[i].Name] = (after - before).TotalMicroseconds / n;
                ours += after - before;
            }
        }
        // CPU the rest of the machine used meanwhile (other builds, tests...), in cores: the noise indicator.
        var others = machineBefore is { } mb && machineAfter is { } ma && loop.Elapsed > TimeSpan.Zero
            ? Math.Max(0, (ma - mb - ours).TotalSeconds / loop.Elapsed.TotalSeconds)
            : double.NaN;
        return new RowResult(label, callers, n, loop.Elapsed,
            Percentile(n, 0.50), Percentile(n, 0.99), n > 0 ? ToMs(_samples[n - 1]) : double.NaN,
            loop.Errors, loop.FirstError, cpu, others);
    }

    private readonly record struct LoopOutcome(long Ops, TimeSpan Elapsed, long Errors, string? FirstError);

    private async Task<LoopOutcome> LoopAsync(int callers, BenchOp op, LoopLimits limits)
    {
        var samples = _samples;
        var maxOps = Math.Min(limits.MaxOps, samples.Length);
        long next = -1, errors = 0;
        string? firstError = null;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(limits.Duration.TotalSeconds * Stopwatch.Frequency);
        var lastEnd = start;

        async Task Caller()
        {
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Read(ref errors) < MaxErrorsPerRow)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= maxOps) break;
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await op((int)i);
                }
                catch (Exception e)
                {
                    if (Interlocked.Increment(ref errors) == 1) firstError = $"{e.GetType().Name}: {e.Message}";
                }
                var t1 = Stopwatch.GetTimestamp();
                samples[i] = t1 - t0;
                InterlockedMax(ref lastEnd, t1);
            }
        }

        // Task.Run: callers start on pool threads at once instead of running their first op inline one after another.
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(Caller)));
        var ops = Math.Min(Interlocked.Read(ref next) + 1, maxOps);
        return new LoopOutcome(ops, Stopwatch.GetElapsedTime(start, lastEnd), errors, firstError);
    }

    private double Percentile(int n, double q) => n == 0 ? double.NaN : ToMs(_samples[(int)Math.Ceiling(q * n) - 1]);

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}

/// <summary>CPU time used so far by one process (this one, the runtime, redis-server); null when unreadable.</summary>
internal sealed class CpuProbe(string name, Func<Process?> process)
{
    public string Name { get; } = name;

    public TimeSpan? Read()
    {
        try
        {
            var p = process();
            if (p is null || p.HasExited) return null;
            p.Refresh();
            return p.TotalProcessorTime;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Busy CPU time of the whole machine since boot, from /proc/stat (all CPUs, in USER_HZ ticks of 10 ms).</summary>
internal static class MachineCpu
{
    private const double TicksPerSecond = 100;

    public static TimeSpan? BusyTime()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is null || fields[0] != "cpu" || fields.Length < 9) return null;
            // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
            long busy = 0;
            foreach (var i in new[] { 1, 2, 3, 6, 7, 8 }) busy += long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(busy / TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
