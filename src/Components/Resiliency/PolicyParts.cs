namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// Which parts of a target's policy one execution applies. Dapr splits an actor call in two: retry and circuit breaker
/// where the call starts (before the actor's turn lock, so waiting for the turn never counts as a timeout), and the
/// timeout where the hosting runtime hands the call to its app (after the lock).
/// </summary>
[Flags]
public enum PolicyParts
{
    None = 0,
    Timeout = 1,
    Retry = 2,
    CircuitBreaker = 4,

    /// <summary>Dapr's actor pre-lock policy: retry and breaker, no timeout.</summary>
    PreLock = Retry | CircuitBreaker,

    All = Timeout | Retry | CircuitBreaker,
}
