namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// The policies that apply to one target after named references and reserved defaults were resolved.
/// Immutable settings only; circuit breaker state is created per target instance by the registry.
/// </summary>
/// <param name="Target">What the policies protect, for messages (e.g. <c>app 'b'</c>).</param>
/// <param name="Timeout">Per-attempt limit, or null.</param>
/// <param name="Retry">Retry policy, or null for a single attempt.</param>
/// <param name="CircuitBreaker">Breaker settings, or null.</param>
public sealed record ResolvedPolicies(
    string Target,
    TimeSpan? Timeout,
    RetryPolicyDefinition? Retry,
    CircuitBreakerDefinition? CircuitBreaker)
{
    public bool IsEmpty => Timeout is null && Retry is null && CircuitBreaker is null;
}
