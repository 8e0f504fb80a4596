namespace ActorRuntime.Components.Resiliency;

/// <summary>How the wait between attempts grows.</summary>
public enum RetryBackoffKind
{
    /// <summary>The same <see cref="RetryPolicyDefinition.Duration"/> before every retry.</summary>
    Constant,

    /// <summary>Starts at 500ms and grows ×1.5 with ±50% jitter, capped at <see cref="RetryPolicyDefinition.MaxInterval"/>.</summary>
    Exponential,
}

/// <summary>
/// A named entry of <c>spec.policies.retries</c>. Immutable and stateless: the per-call progress lives in
/// <see cref="RetryBackoff"/>, so one definition serves every target that names it.
/// </summary>
/// <param name="Name">Key under <c>retries</c>.</param>
/// <param name="Policy"><c>policy</c>: constant (default) or exponential.</param>
/// <param name="Duration"><c>duration</c>: the constant wait, default 5s.</param>
/// <param name="MaxInterval"><c>maxInterval</c>: the exponential cap, default 60s.</param>
/// <param name="MaxRetries"><c>maxRetries</c>: -1 (default) retries until cancelled, 0 never retries.</param>
public sealed record RetryPolicyDefinition(
    string Name,
    RetryBackoffKind Policy,
    TimeSpan Duration,
    TimeSpan MaxInterval,
    int MaxRetries)
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultMaxInterval = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ExponentialInitialInterval = TimeSpan.FromMilliseconds(500);
    public const double ExponentialMultiplier = 1.5;
    public const double ExponentialRandomization = 0.5;

    /// <summary>True when another attempt may follow attempt number <paramref name="retriesDone"/> (0 = first try failed).</summary>
    public bool AllowsRetry(int retriesDone) => MaxRetries < 0 || retriesDone < MaxRetries;
}
