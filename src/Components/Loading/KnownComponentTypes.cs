using System.Collections.Concurrent;
using ActorRuntime.Components.State;

namespace ActorRuntime.Components.Loading;

/// <summary>
/// Registry of the component types this runtime can build. State stores come from <see cref="StateStoreFactory"/>;
/// the other building blocks add theirs with <see cref="Register"/> (for example from a static constructor or at
/// start-up, before resources are loaded). Types compare case-insensitively, as in Dapr.
/// </summary>
public static class KnownComponentTypes
{
    private static readonly ConcurrentDictionary<string, byte> Registered = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Dapr's building-block categories (the part of <c>spec.type</c> before the first dot). A type in one of these
    /// categories that this runtime does not implement is "unknown"; a type outside them is "invalid".
    /// </summary>
    public static IReadOnlySet<string> Categories { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "state", "pubsub", "bindings", "secretstores", "configuration", "lock", "crypto",
        "middleware", "nameresolution", "conversation", "workflowbackend",
    };

    /// <summary>Adds a type such as <c>pubsub.redis</c>. Idempotent.</summary>
    public static void Register(string type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        var t = type.Trim();
        var dot = t.IndexOf('.');
        if (dot <= 0 || dot == t.Length - 1)
            throw new ArgumentException($"component type '{type}' must look like '<category>.<name>', e.g. 'pubsub.redis'", nameof(type));
        Registered.TryAdd(t, 0);
    }

    /// <summary>Adds several types. Idempotent.</summary>
    public static void Register(params string[] types)
    {
        foreach (var t in types) Register(t);
    }

    public static bool IsKnown(string type) => StateStoreFactory.IsSupported(type) || Registered.ContainsKey(type);

    /// <summary>True when the part before the first dot is one of Dapr's categories.</summary>
    public static bool HasKnownCategory(string type)
    {
        var dot = type.IndexOf('.');
        return dot > 0 && Categories.Contains(type[..dot]);
    }

    /// <summary>Every known type, sorted.</summary>
    public static IReadOnlyList<string> All =>
        StateStoreFactory.SupportedTypes.Concat(Registered.Keys)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
}
