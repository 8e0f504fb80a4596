namespace ActorRuntime.Components.Resiliency;

/// <summary>How far an actor target's circuit breaker state reaches.</summary>
public enum ActorCircuitBreakerScope
{
    /// <summary>One breaker per actor id (the default): one broken actor does not block its siblings.</summary>
    Id,

    /// <summary>One breaker for the whole actor type.</summary>
    Type,

    /// <summary>Both: a call needs the type's breaker and the id's breaker closed, and counts against both.</summary>
    Both,
}

/// <summary>Where a target or policy was written, so a bad reference can be reported against its own file.</summary>
/// <param name="File">The resource file.</param>
/// <param name="ResourceName">The Resiliency resource's <c>metadata.name</c>.</param>
/// <param name="Field">Path of the target, e.g. <c>spec.targets.apps.appB</c>.</param>
public sealed record ResiliencySource(string File, string ResourceName, string Field);

/// <summary>The policy names a target (or one direction of a component target) refers to; null = not set.</summary>
public sealed record PolicyReferences(string? Timeout, string? Retry, string? CircuitBreaker, ResiliencySource Source)
{
    public bool IsEmpty => Timeout is null && Retry is null && CircuitBreaker is null;
}

/// <summary>An entry of <c>spec.targets.actors</c>.</summary>
public sealed record ActorTarget(PolicyReferences Policies, ActorCircuitBreakerScope Scope, int CacheSize)
{
    public const int DefaultCacheSize = 5000;
}

/// <summary>An entry of <c>spec.targets.components</c>: separate policies per direction.</summary>
public sealed record ComponentTarget(PolicyReferences? Outbound, PolicyReferences? Inbound)
{
    public PolicyReferences? For(ResiliencyDirection direction) =>
        direction == ResiliencyDirection.Outbound ? Outbound : Inbound;
}
