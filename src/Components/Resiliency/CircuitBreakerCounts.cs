namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// The counters a breaker's <c>trip</c> expression reads, with the names Dapr gives them in CEL. Reset whenever the
/// breaker changes state and, in the closed state, every <c>interval</c>.
/// </summary>
public readonly record struct CircuitBreakerCounts(
    long Requests,
    long TotalSuccesses,
    long TotalFailures,
    long ConsecutiveSuccesses,
    long ConsecutiveFailures)
{
    internal CircuitBreakerCounts WithRequest() => this with { Requests = Requests + 1 };

    internal CircuitBreakerCounts WithoutRequest() => this with { Requests = Math.Max(0, Requests - 1) };

    internal CircuitBreakerCounts WithSuccess() => this with
    {
        TotalSuccesses = TotalSuccesses + 1,
        ConsecutiveSuccesses = ConsecutiveSuccesses + 1,
        ConsecutiveFailures = 0,
    };

    internal CircuitBreakerCounts WithFailure() => this with
    {
        TotalFailures = TotalFailures + 1,
        ConsecutiveFailures = ConsecutiveFailures + 1,
        ConsecutiveSuccesses = 0,
    };
}
