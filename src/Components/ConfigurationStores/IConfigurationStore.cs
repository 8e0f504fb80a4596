using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.ConfigurationStores;

/// <summary>One configuration item as Dapr's Configuration API returns it.</summary>
public sealed record ConfigurationItem(string Value, string Version, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// A Dapr configuration store (<c>configuration.*</c>): read items by key, and be told when they change. Served by the
/// gateway of the app that defines it, like secret stores: each subscription belongs to one app's sidecar.
/// </summary>
public interface IConfigurationStore : IComponent
{
    /// <summary>The items of <paramref name="keys"/> that exist; every item when <paramref name="keys"/> is empty.</summary>
    Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onChange"/> with the changed items whenever one of <paramref name="keys"/> (every key when
    /// empty) changes, until the result is disposed.
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata,
        Func<IReadOnlyDictionary<string, ConfigurationItem>, Task> onChange, CancellationToken cancellationToken);
}
