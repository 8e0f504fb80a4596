namespace ActorRuntime.Components.PubSub;

/// <summary>The pub/sub building block's view of <see cref="ComponentCatalog"/> and <see cref="ComponentRegistry"/>.</summary>
public static class PubSubCatalogExtensions
{
    public const string Category = "pubsub";

    public static IPubSub GetPubSub(this ComponentCatalog catalog, string instanceId) => catalog.Get<IPubSub>(Category, instanceId);

    public static bool TryGetPubSub(this ComponentRegistry registry, string name, out IPubSub pubsub) =>
        registry.TryGet(Category, name, out pubsub);
}
