namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// Dapr's built-in retries: they apply even without a Resiliency resource, and a retry policy defined under one of
/// these reserved names replaces the built-in one. As in daprd, an override cannot retry fewer than 3 times (a
/// smaller <c>maxRetries</c> is raised to 3) and <c>DaprBuiltInActorNotFoundRetries</c> cannot be overridden.
/// </summary>
public static class BuiltInRetries
{
    /// <summary>Service invocation between runtimes that failed to reach the other side.</summary>
    public const string Service = "DaprBuiltInServiceRetries";

    /// <summary>An actor call that failed to reach the actor's runtime (daprd: gRPC Unavailable between sidecars).</summary>
    public const string Actor = "DaprBuiltInActorRetries";

    /// <summary>Persisting a reminder.</summary>
    public const string ActorReminder = "DaprBuiltInActorReminderRetries";

    /// <summary>Looking up an actor's host that is not found yet (protected: cannot be overridden).</summary>
    public const string ActorNotFound = "DaprBuiltInActorNotFoundRetries";

    /// <summary>Requests to the app at start-up (subscriptions, configuration).</summary>
    public const string Initialization = "DaprBuiltInInitializationRetries";

    public const int MinimumOverrideRetries = 3;

    /// <summary>The retry a built-in name stands for when no resource overrides it, or null for an unknown name.</summary>
    public static RetryPolicyDefinition? Default(string name) => name switch
    {
        Service or Actor => new(name, RetryBackoffKind.Constant, TimeSpan.FromSeconds(1), RetryPolicyDefinition.DefaultMaxInterval, 3),
        ActorNotFound => new(name, RetryBackoffKind.Constant, TimeSpan.FromSeconds(1), RetryPolicyDefinition.DefaultMaxInterval, 5),
        // daprd bounds these two by elapsed time (15 min, 10 s); a retry count of the same reach stands in for it.
        ActorReminder => new(name, RetryBackoffKind.Exponential, TimeSpan.Zero, TimeSpan.FromSeconds(60), 20),
        Initialization => new(name, RetryBackoffKind.Exponential, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 3),
        _ => null,
    };

    /// <summary>The retry for <paramref name="name"/>: the resource's override if allowed (raised to the minimum), else the default.</summary>
    public static RetryPolicyDefinition? Resolve(string name, IReadOnlyDictionary<string, RetryPolicyDefinition> defined)
    {
        var builtIn = Default(name);
        if (builtIn is null || name == ActorNotFound || !defined.TryGetValue(name, out var custom)) return builtIn;
        return custom.MaxRetries is >= 0 and < MinimumOverrideRetries ? custom with { MaxRetries = MinimumOverrideRetries } : custom;
    }
}
