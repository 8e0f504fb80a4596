using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>
/// Steady write load on the Dapr state API of several gateways. Each writer owns its keys and writes an increasing
/// counter to them in turn (one request at a time, paced), alternating gateways from one round of keys to the next, and
/// records every request: when it started and ended, and whether it was acknowledged (204). The highest acknowledged
/// value per key is what a later read must at least return.
/// <para>Each request may take up to <see cref="RequestTimeout"/>, more than Orleans' 30 s response timeout, so the
/// gateway, not the client, decides a request's fate; the whole load is bounded by <c>maxDuration</c>.</para>
/// </summary>
public sealed class StateLoad : IAsyncDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(40);

    /// <summary>Each writer stops after this many requests even if time remains (a bound on count as well as time).</summary>
    public const int MaxRequestsPerWriter = 50_000;

    public sealed record Outcome(int Writer, string Key, long Value, int Gateway, TimeSpan Start, TimeSpan End, bool Ok, string? Error)
    {
        public TimeSpan Latency => End - Start;
    }

    private readonly IReadOnlyList<Uri> _gateways;
    private readonly string _store;
    private readonly string _keyStem;
    private readonly int _keysPerWriter;
    private readonly TimeSpan _pause;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Outcome> _outcomes = new();
    private readonly ConcurrentDictionary<string, long> _acked = new();
    private readonly Task[] _writers;
    private readonly long[] _inFlightSince; // per writer: start of its request in flight (Stopwatch ticks of _clock), or -1

    public StateLoad(IReadOnlyList<Uri> gateways, string store, string keyStem, int writers, int keysPerWriter, TimeSpan pause, TimeSpan maxDuration)
    {
        _gateways = gateways;
        _store = store;
        _keyStem = keyStem;
        _keysPerWriter = keysPerWriter;
        _pause = pause;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _stop = new CancellationTokenSource(maxDuration);
        _inFlightSince = [.. Enumerable.Repeat(-1L, writers)];
        _writers = [.. Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteLoopAsync(w)))];
    }

    /// <summary>Time since the load started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Outcome> Outcomes => [.. _outcomes];

    public IReadOnlyDictionary<string, long> Acked => _acked;

    public TimeSpan? LastFailureEnd => _outcomes.Where(o => !o.Ok).Select(o => (TimeSpan?)o.End).Max();

    /// <summary>How long the oldest request still in flight has been waiting (zero when none is).</summary>
    public TimeSpan LongestInFlight
    {
        get
        {
            var now = _clock.Elapsed.Ticks;
            var oldest = Enumerable.Range(0, _inFlightSince.Length).Select(i => Interlocked.Read(ref _inFlightSince[i])).Where(t => t >= 0).DefaultIfEmpty(now).Min();
            return TimeSpan.FromTicks(now - oldest);
        }
    }

    public string KeyFor(int writer, long n) => $"{_keyStem}-w{writer}-k{n % _keysPerWriter}";

    private async Task WriteLoopAsync(int writer)
    {
        for (long n = 1; n <= MaxRequestsPerWriter && !_stop.IsCancellationRequested; n++)
        {
            var key = KeyFor(writer, n);
            var gateway = (int)(n / _keysPerWriter % _gateways.Count);
            var start = _clock.Elapsed;
            Interlocked.Exchange(ref _inFlightSince[writer], start.Ticks);
            string? error = null;
            try
            {
                using var cts = new CancellationTokenSource(RequestTimeout);
                using var body = new StringContent($"[{{\"key\":\"{key}\",\"value\":{n.ToString(CultureInfo.InvariantCulture)}}}]", Encoding.UTF8, "application/json");
                using var response = await _http.PostAsync(new Uri(_gateways[gateway], $"/v1.0/state/{_store}"), body, cts.Token);
                if (response.StatusCode != HttpStatusCode.NoContent)
                    error = $"{(int)response.StatusCode} {Truncate(await response.Content.ReadAsStringAsync(CancellationToken.None))}";
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                error = $"{ex.GetType().Name}: {Truncate(ex.Message)}";
            }
            var end = _clock.Elapsed;
            Interlocked.Exchange(ref _inFlightSince[writer], -1);
            if (error is null) _acked[key] = n; // one writer per key, so n only grows
            _outcomes.Enqueue(new Outcome(writer, key, n, gateway, start, end, error is null, error));
            try { await Task.Delay(_pause, _stop.Token); }
            catch (OperationCanceledException) { }
        }
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "...";

    /// <summary>Stops the writers; in-flight requests finish (each bounded by <see cref="RequestTimeout"/>).</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_writers).WaitAsync(RequestTimeout + TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Reads every key with an acknowledged write through every gateway. Returns one line per violation: a key that
    /// cannot be read (after up to 5 attempts a second apart) or whose value is below the last acknowledged one.
    /// </summary>
    public async Task<IReadOnlyList<string>> VerifyAckedAsync()
    {
        var problems = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(_acked, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (kv, _) =>
        {
            for (var g = 0; g < _gateways.Count; g++)
            {
                string? last = null;
                for (var attempt = 1; attempt <= 5; attempt++)
                {
                    try
                    {
                        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                        using var response = await _http.GetAsync(new Uri(_gateways[g], $"/v1.0/state/{_store}/{kv.Key}"), cts.Token);
                        var text = await response.Content.ReadAsStringAsync(cts.Token);
                        if (response.StatusCode == HttpStatusCode.OK && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                        {
                            last = value >= kv.Value ? null : $"{kv.Key} via gateway {g + 1}: read {value}, but {kv.Value} was acknowledged";
                            break;
                        }
                        last = $"{kv.Key} via gateway {g + 1}: {(int)response.StatusCode} '{Truncate(text)}' (acknowledged {kv.Value})";
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                    {
                        last = $"{kv.Key} via gateway {g + 1}: {ex.GetType().Name} {ex.Message}";
                    }
                    await Task.Delay(1000, CancellationToken.None);
                }
                if (last is not null) problems.Add(last);
            }
        });
        return [.. problems.Order(StringComparer.Ordinal)];
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await Task.WhenAll(_writers).WaitAsync(RequestTimeout + TimeSpan.FromSeconds(10)); }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException) { }
        _http.Dispose();
        _stop.Dispose();
    }
}

/// <summary>Figures of a load run around a disruption at <c>at</c> (load clock).</summary>
public sealed record LoadReport(
    int Requests, int Acknowledged, int Failed, TimeSpan? FirstFailure, TimeSpan? LastFailure, TimeSpan ErrorWindow,
    TimeSpan MaxLatency, TimeSpan P99Latency, TimeSpan MaxLatencyAfter, int RequestsAfter, int SlowRequests, TimeSpan? SlowWindowStart, TimeSpan? SlowWindowEnd,
    int AcknowledgedAfterLastFailure, IReadOnlyList<string> FailureSamples, IReadOnlyDictionary<string, string> FailureKinds)
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    public static LoadReport From(IReadOnlyList<StateLoad.Outcome> outcomes, TimeSpan at)
    {
        var failed = outcomes.Where(o => !o.Ok).OrderBy(o => o.Start).ToList();
        var slow = outcomes.Where(o => o.Latency >= Slow).ToList();
        var latencies = outcomes.Select(o => o.Latency).Order().ToList();
        var lastFailureEnd = failed.Count > 0 ? failed.Max(o => o.End) : (TimeSpan?)null;
        return new LoadReport(
            outcomes.Count,
            outcomes.Count(o => o.Ok),
            failed.Count,
            failed.Count > 0 ? failed.Min(o => o.Start) - at : null,
            lastFailureEnd - at,
            failed.Count > 0 ? failed.Max(o => o.End) - failed.Min(o => o.Start) : TimeSpan.Zero,
            latencies.Count > 0 ? latencies[^1] : TimeSpan.Zero,
            latencies.Count > 0 ? latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(latencies.Count * 0.99) - 1)] : TimeSpan.Zero,
            outcomes.Where(o => o.End >= at).Select(o => o.Latency).DefaultIfEmpty(TimeSpan.Zero).Max(),
            outcomes.Count(o => o.Start >= at),
            slow.Count,
            slow.Count > 0 ? slow.Min(o => o.Start) - at : null,
            slow.Count > 0 ? slow.Max(o => o.End) - at : null,
            lastFailureEnd is { } lf ? outcomes.Count(o => o.Ok && o.Start > lf) : outcomes.Count(o => o.Ok),
            [.. failed.Take(10).Select(o => $"+{(o.Start - at).TotalSeconds:0.00}s..+{(o.End - at).TotalSeconds:0.00}s w{o.Writer} {o.Key}={o.Value} via gateway {o.Gateway + 1}: {o.Error}")],
            failed.GroupBy(o => Kind(o.Error)).ToDictionary(
                g => g.Key,
                g => $"{g.Count()} request(s), started +{(g.Min(o => o.Start) - at).TotalSeconds:0.00} s .. +{(g.Max(o => o.Start) - at).TotalSeconds:0.00} s, answered by +{(g.Max(o => o.End) - at).TotalSeconds:0.00} s"));
    }

    /// <summary>What kind of failure: Orleans' response timeout, a refused connection to a dead silo, ... (the gateway's 500 carries Orleans' message).</summary>
    public static string Kind(string? error) => error switch
    {
        null => "",
        _ when error.Contains("Response did not arrive on time", StringComparison.Ordinal) => "Orleans response timeout (request in flight to a dead silo)",
        _ when error.Contains("Silo stopping", StringComparison.Ordinal) => "rejected: Silo stopping",
        _ when error.Contains("Unable to connect", StringComparison.Ordinal) || error.Contains("ConnectionFailed", StringComparison.Ordinal) => "connection to the dead silo refused",
        _ when error.Contains("SiloUnavailable", StringComparison.Ordinal) || error.Contains("unavailable", StringComparison.OrdinalIgnoreCase) => "silo unavailable",
        _ when error.StartsWith("HttpRequestException", StringComparison.Ordinal) || error.StartsWith("TaskCanceled", StringComparison.Ordinal) => "no HTTP answer: " + error[..Math.Min(80, error.Length)],
        _ => error[..Math.Min(100, error.Length)],
    };

    public string Describe(string what) => string.Join('\n',
        $"--- {what} (times relative to the disruption) ---",
        $"requests {Requests}, acknowledged {Acknowledged}, failed {Failed}",
        Failed > 0
            ? $"error window {ErrorWindow.TotalSeconds:0.00} s: first failure +{FirstFailure!.Value.TotalSeconds:0.00} s, last failure ends +{LastFailure!.Value.TotalSeconds:0.00} s"
            : "error window: none (no failed request)",
        $"requests started after the disruption {RequestsAfter}; slowest request answered after it {MaxLatencyAfter.TotalMilliseconds:0} ms",
        $"whole run: latency max {MaxLatency.TotalMilliseconds:0} ms, p99 {P99Latency.TotalMilliseconds:0} ms; requests >= {Slow.TotalSeconds:0} s: {SlowRequests}" +
            (SlowRequests > 0 ? $" (from +{SlowWindowStart!.Value.TotalSeconds:0.00} s to +{SlowWindowEnd!.Value.TotalSeconds:0.00} s)" : ""),
        $"acknowledged after the last failure: {AcknowledgedAfterLastFailure}",
        FailureKinds.Count > 0 ? "failure kinds:\n  " + string.Join("\n  ", FailureKinds.Select(k => $"{k.Key}: {k.Value}")) : "",
        FailureSamples.Count > 0 ? "first failures:\n  " + string.Join("\n  ", FailureSamples) : "");
}
