namespace ActorRuntime.Components.Middleware.RateLimit;

/// <summary>
/// A token bucket: <c>rate</c> tokens a second, holding at most <c>burst</c>. Lock-protected; one per caller.
/// </summary>
internal sealed class TokenBucket(double rate, double burst, long now)
{
    private readonly Lock _lock = new();
    private readonly double _burst = burst;
    private double _tokens = burst;
    private long _last = now;

    /// <summary>When the bucket was last used (timestamp ticks), to drop idle buckets.</summary>
    public long LastUsed => Volatile.Read(ref _last);

    public bool TryTake(long now, long ticksPerSecond)
    {
        lock (_lock)
        {
            var elapsed = Math.Max(0, now - _last) / (double)ticksPerSecond;
            _tokens = Math.Min(_burst, _tokens + elapsed * rate);
            _last = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}
