namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// A named entry of <c>spec.policies.circuitBreakers</c>. Only the settings: each target gets its own
/// <see cref="CircuitBreaker"/> state built from it, as Dapr instantiates breakers per app, component or actor.
/// </summary>
/// <param name="Name">Key under <c>circuitBreakers</c>.</param>
/// <param name="MaxRequests"><c>maxRequests</c>: calls let through while half-open, default 1.</param>
/// <param name="Interval"><c>interval</c>: how often the closed state clears its counts; zero never clears.</param>
/// <param name="Timeout"><c>timeout</c>: how long the breaker stays open before probing (half-open), default 60s.</param>
/// <param name="Trip"><c>trip</c>: when a failure in the closed state opens the breaker.</param>
public sealed record CircuitBreakerDefinition(
    string Name,
    int MaxRequests,
    TimeSpan Interval,
    TimeSpan Timeout,
    TripExpression Trip)
{
    public const int DefaultMaxRequests = 1;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    public const string DefaultTrip = "consecutiveFailures > 5";
}
