using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Hosting;

/// <summary>
/// One component type this runtime can build, such as <c>state.redis</c>: its building block (the part of the type
/// before the first dot), the contract its instances implement, and the factory that builds one from a definition.
/// </summary>
/// <param name="Type">Dapr's <c>spec.type</c>, compared case-insensitively.</param>
/// <param name="Contract">The building block's interface (e.g. <c>IStateStore</c>); the factory's result implements it.</param>
/// <param name="Create">Builds and validates an instance; throws <see cref="ComponentConfigurationException"/> naming the field.</param>
public sealed record ComponentTypeRegistration(string Type, Type Contract, Func<ComponentContext, IComponent> Create)
{
    /// <summary>The building block: <c>state</c>, <c>pubsub</c>, <c>bindings</c>, ...</summary>
    public string Category { get; } = CategoryOf(Type);

    internal static string CategoryOf(string type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        var dot = type.IndexOf('.');
        if (dot <= 0 || dot == type.Length - 1)
            throw new ArgumentException($"component type '{type}' must look like '<category>.<name>', e.g. 'pubsub.redis'", nameof(type));
        var category = type[..dot];
        if (!ComponentTypes.Categories.Contains(category))
            throw new ArgumentException($"component type '{type}': '{category}' is not one of Dapr's building blocks ({string.Join(", ", ComponentTypes.Categories.Order())})", nameof(type));
        return category.ToLowerInvariant();
    }
}

/// <summary>What a component factory is given: the definition (typed metadata through <see cref="Metadata"/>) and the
/// services of the process that builds it (an empty provider when built outside a host, e.g. in tests).</summary>
public sealed class ComponentContext(ComponentDefinition definition, IServiceProvider services)
{
    public ComponentDefinition Definition { get; } = definition;
    public IServiceProvider Services { get; } = services;
    public ComponentMetadata Metadata => Definition.GetMetadata();
}
