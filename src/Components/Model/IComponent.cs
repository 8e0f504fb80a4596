namespace ActorRuntime.Components.Model;

/// <summary>
/// A live component of any building block, built from a <see cref="ComponentDefinition"/> by the factory its type
/// registered (<see cref="Hosting.ComponentTypeServiceCollectionExtensions.AddComponentType"/>). Construction validates
/// metadata; <see cref="InitAsync"/> connects. The catalog calls <see cref="InitAsync"/> once, however many apps share it.
/// </summary>
public interface IComponent : IAsyncDisposable
{
    /// <summary>Connects, creates tables, subscribes, etc. Called once before use, within the component's <c>initTimeout</c>.</summary>
    Task InitAsync(CancellationToken cancellationToken);

    /// <summary>What the metadata API reports for the component (Dapr's names, e.g. <c>ETAG</c>, <c>TRANSACTIONAL</c>).</summary>
    IReadOnlyList<string> Capabilities => [];
}
