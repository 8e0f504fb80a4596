namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// The call was not made because its circuit breaker is open (or half-open with its probe slots taken).
/// A distinct type so callers can answer "try later" instead of reporting a failure of the target itself.
/// </summary>
public sealed class CircuitBreakerOpenException : Exception
{
    public CircuitBreakerOpenException(string policyName, string target)
        : base($"circuit breaker '{policyName}' for {target} is open: the call was not attempted")
    {
        PolicyName = policyName;
        Target = target;
    }

    /// <summary>Name of the circuit breaker policy (as written in the Resiliency resource).</summary>
    public string PolicyName { get; }

    /// <summary>The app, actor or component the breaker protects, as messages name it (e.g. <c>app 'b'</c>).</summary>
    public string Target { get; }
}
