using System.Collections.Concurrent;
using System.Globalization;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Middleware.RateLimit;

/// <summary>
/// <c>middleware.http.ratelimit</c>: at most <c>maxRequestsPerSecond</c> (default 100, may be fractional) per caller,
/// then 429 <c>You have reached maximum request limit.</c>. The caller is, as Dapr's docs say, the address in
/// <c>X-Forwarded-For</c> (the entry nearest to us), else <c>X-Real-IP</c>, else the connection's peer. Bursts up to
/// the per-second limit are allowed (a token bucket, as the limiter Dapr uses). Enforced per runtime process.
/// </summary>
public sealed class RateLimitMiddleware : IHttpMiddleware
{
    private const int MaxTrackedCallers = 10_000;
    private static readonly MiddlewareRejection Limited = new(429, "You have reached maximum request limit.");

    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly double _burst;

    public RateLimitMiddleware(ComponentDefinition definition, TimeProvider? time = null)
    {
        var metadata = definition.GetMetadata();
        _time = time ?? TimeProvider.System;
        var text = metadata.GetString("maxRequestsPerSecond");
        _rate = 100;
        if (!string.IsNullOrWhiteSpace(text)
            && (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _rate) || !double.IsFinite(_rate) || _rate <= 0))
            throw metadata.Error("maxRequestsPerSecond", $"must be a positive number, not '{text}'");
        _burst = Math.Max(1, Math.Floor(_rate));
    }

    public double MaxRequestsPerSecond => _rate;

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask<MiddlewareRejection?> HandleAsync(MiddlewareRequest request, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var caller = CallerOf(request);
        if (_buckets.Count > MaxTrackedCallers) ForgetIdle(now);
        var bucket = _buckets.GetOrAdd(caller, static (_, s) => new TokenBucket(s.Rate, s.Burst, s.Now), (Rate: _rate, Burst: _burst, Now: now));
        return ValueTask.FromResult(bucket.TryTake(now, _time.TimestampFrequency) ? null : Limited);
    }

    internal static string CallerOf(MiddlewareRequest request)
    {
        if (request.GetHeader("X-Forwarded-For") is { } forwarded)
        {
            var last = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (!string.IsNullOrEmpty(last)) return last;
        }
        if (request.GetHeader("X-Real-IP")?.Trim() is { Length: > 0 } real) return real;
        return request.RemoteAddress ?? "0.0.0.0";
    }

    // A caller idle long enough to refill its bucket would get a full one anyway: forgetting it changes nothing, and bounds memory.
    private void ForgetIdle(long now)
    {
        var idle = (long)(_time.TimestampFrequency * (_burst / _rate + 1));
        foreach (var (caller, bucket) in _buckets)
            if (now - bucket.LastUsed > idle) _buckets.TryRemove(caller, out _);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
