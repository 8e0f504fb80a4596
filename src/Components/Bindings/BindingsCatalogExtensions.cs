namespace ActorRuntime.Components.Bindings;

/// <summary>The bindings building block's view of <see cref="ComponentCatalog"/> and <see cref="ComponentRegistry"/>.</summary>
public static class BindingsCatalogExtensions
{
    public const string Category = "bindings";

    public static bool TryGetBinding(this ComponentRegistry registry, string name, out IBinding binding) =>
        registry.TryGet(Category, name, out binding);
}
