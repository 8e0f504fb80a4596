using System.Collections.Frozen;
using ActorRuntime.Components.Model;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Components.Hosting;

/// <summary>
/// The component types a process can build, from the <see cref="ComponentTypeRegistration"/>s added to its services.
/// Immutable: built once per host (a singleton in DI), or before the host when resources must be validated first
/// (<see cref="From(IServiceCollection)"/>). Types compare case-insensitively, as in Dapr.
/// </summary>
public sealed class ComponentTypes
{
    private readonly FrozenDictionary<string, ComponentTypeRegistration> _types;

    public ComponentTypes(IEnumerable<ComponentTypeRegistration> registrations)
    {
        // Last registration wins, so a host can replace a built-in type with its own.
        var map = new Dictionary<string, ComponentTypeRegistration>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in registrations) map[r.Type] = r;
        _types = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        All = [.. _types.Keys.Order(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Dapr's building blocks (the part of <c>spec.type</c> before the first dot). A type in one of these that is
    /// not registered is "unknown"; a type outside them is "invalid".</summary>
    public static IReadOnlySet<string> Categories { get; } = new[]
    {
        "state", "pubsub", "bindings", "secretstores", "configuration", "lock", "crypto",
        "middleware", "nameresolution", "conversation", "workflowbackend",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Declared after Categories: static initializers run in order, and registering a type checks its category.
    /// <summary>The types every ActorRuntime process has (<see cref="BuiltInComponents"/>).</summary>
    public static ComponentTypes BuiltIn { get; } = From(new ServiceCollection().AddBuiltInComponentTypes());

    /// <summary>The types registered in <paramref name="services"/> so far.</summary>
    public static ComponentTypes From(IServiceCollection services) =>
        new(services.Where(d => d.ServiceType == typeof(ComponentTypeRegistration) && d.ImplementationInstance is not null)
            .Select(d => (ComponentTypeRegistration)d.ImplementationInstance!));

    /// <summary>Every registered type, sorted.</summary>
    public IReadOnlyList<string> All { get; }

    public bool IsKnown(string type) => _types.ContainsKey(type);

    public bool TryGet(string type, out ComponentTypeRegistration registration) => _types.TryGetValue(type, out registration!);

    /// <summary>True when the part before the first dot is one of Dapr's categories.</summary>
    public static bool HasKnownCategory(string type)
    {
        var dot = type.IndexOf('.');
        return dot > 0 && Categories.Contains(type[..dot]);
    }

    /// <summary>Builds (validating metadata, not connecting) the component a definition describes.</summary>
    public IComponent Create(ComponentDefinition definition, IServiceProvider? services = null)
    {
        if (!_types.TryGetValue(definition.Type, out var registration))
            throw new ComponentConfigurationException(definition.SourceFile, definition.Name, "spec.type",
                $"unknown component type '{definition.Type}'; this runtime supports: {string.Join(", ", All)}");
        var component = registration.Create(new ComponentContext(definition, services ?? EmptyServices.Instance));
        if (!registration.Contract.IsInstanceOfType(component))
            throw new InvalidOperationException($"the factory of '{registration.Type}' built a {component.GetType().Name}, which is not a {registration.Contract.Name}");
        return component;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}
