using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.State;

/// <summary>
/// Builds state stores from component definitions. Construction validates metadata and throws
/// <see cref="ComponentConfigurationException"/> naming the field; it does not connect (see <see cref="IStateStore.InitAsync"/>).
/// </summary>
public static class StateStoreFactory
{
    private static readonly Dictionary<string, Func<ComponentDefinition, IStateStore>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["state.in-memory"] = d => new Stores.InMemoryStateStore(d),
        ["state.sqlite"] = d => new Stores.SqliteStateStore(d),
        ["state.redis"] = d => new Stores.RedisStateStore(d),
        ["state.postgresql"] = d => new Stores.PostgresStateStore(d),
    };

    public static IEnumerable<string> SupportedTypes => Factories.Keys;

    public static bool IsSupported(string type) => Factories.ContainsKey(type);

    public static IStateStore Create(ComponentDefinition definition)
    {
        if (!Factories.TryGetValue(definition.Type, out var create))
            throw new ComponentConfigurationException(definition.SourceFile, definition.Name, "spec.type",
                $"unknown state store type '{definition.Type}'; supported: {string.Join(", ", Factories.Keys)}");
        return create(definition);
    }
}
