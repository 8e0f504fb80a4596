namespace ActorRuntime.Components.State;

/// <summary>The state building block's view of <see cref="ComponentCatalog"/> and <see cref="ComponentRegistry"/>.</summary>
public static class StateCatalogExtensions
{
    public const string Category = "state";

    public static IStateStore AddStateStore(this ComponentCatalog catalog, Model.ComponentDefinition definition) =>
        catalog.Add(definition) as IStateStore
            ?? throw new Model.ComponentConfigurationException(definition.SourceFile, definition.Name, "spec.type", $"'{definition.Type}' is not a state store");

    public static bool TryGetStateStore(this ComponentCatalog catalog, string instanceId, out IStateStore store) =>
        catalog.TryGet(Category, instanceId, out store);

    public static IStateStore GetStateStore(this ComponentCatalog catalog, string instanceId) =>
        catalog.Get<IStateStore>(Category, instanceId);

    public static bool TryGetStateStore(this ComponentRegistry registry, string name, out IStateStore store) =>
        registry.TryGet(Category, name, out store);
}
