namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// The waits of one call's retries. A mutable struct kept on the caller's async frame, so a retried call
/// allocates nothing for its schedule.
/// </summary>
internal struct RetryBackoff
{
    private readonly RetryPolicyDefinition _policy;
    private TimeSpan _current;

    public RetryBackoff(RetryPolicyDefinition policy)
    {
        _policy = policy;
        _current = RetryPolicyDefinition.ExponentialInitialInterval;
    }

    /// <summary>The wait before the next retry.</summary>
    /// <param name="random">A number in [0, 1); decides the jitter of exponential waits.</param>
    public TimeSpan Next(double random)
    {
        if (_policy.Policy == RetryBackoffKind.Constant) return _policy.Duration;

        // Jitter spreads retries of many callers that failed together; the cap applies after it, so no wait
        // ever exceeds maxInterval.
        var factor = 1 - RetryPolicyDefinition.ExponentialRandomization + random * 2 * RetryPolicyDefinition.ExponentialRandomization;
        var delay = Min(TimeSpan.FromTicks((long)(_current.Ticks * factor)), _policy.MaxInterval);
        _current = Min(TimeSpan.FromTicks((long)(_current.Ticks * RetryPolicyDefinition.ExponentialMultiplier)), _policy.MaxInterval);
        return delay;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
