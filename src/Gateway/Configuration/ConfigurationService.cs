using System.Collections.Concurrent;
using ActorRuntime.Components;
using ActorRuntime.Components.ConfigurationStores;
using ActorRuntime.Gateway.Errors;

namespace ActorRuntime.Gateway.Configuration;

/// <summary>
/// The configuration building block, shared by the HTTP and gRPC surfaces. Stores are served from this gateway (no
/// grain), and subscriptions live here, each tied to the store's own change feed: the app's sidecar is the only party
/// that needs them, so losing a silo does not touch them.
/// </summary>
public sealed class ConfigurationService(ComponentRegistry components) : IAsyncDisposable
{
    public const string Category = "configuration";
    private readonly ConcurrentDictionary<string, IAsyncDisposable> _subscriptions = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, ConfigurationItem>> GetAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var configuration = Store(store);
        try
        {
            return await configuration.GetAsync(keys, metadata, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw DaprErrors.ConfigurationGet(string.Join(",", keys), store, ex.Message).ToException();
        }
    }

    /// <summary>Starts a subscription; <paramref name="onChange"/> gets its id and the changed items.</summary>
    public async Task<string> SubscribeAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata,
        Func<string, IReadOnlyDictionary<string, ConfigurationItem>, Task> onChange, CancellationToken ct)
    {
        var configuration = Store(store);
        var id = Guid.NewGuid().ToString();
        try
        {
            var subscription = await configuration.SubscribeAsync(keys, metadata, items => onChange(id, items), ct);
            _subscriptions[id] = subscription;
            return id;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw DaprErrors.ConfigurationSubscribe(string.Join(",", keys), store, ex.Message).ToException();
        }
    }

    /// <summary>Ends a subscription; false with a reason when there is none with this id.</summary>
    public async Task<(bool Ok, string Message)> UnsubscribeAsync(string id)
    {
        if (!_subscriptions.TryRemove(id, out var subscription)) return (false, $"subscription {id} not found");
        await subscription.DisposeAsync();
        return (true, "");
    }

    private IConfigurationStore Store(string store)
    {
        if (components.Count(Category) == 0) throw DaprErrors.ConfigurationStoresNotConfigured().ToException();
        if (!components.TryGet<IConfigurationStore>(Category, store, out var configuration))
            throw DaprErrors.ConfigurationStoreNotFound(store).ToException();
        return configuration;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _subscriptions.Keys.ToList())
            if (_subscriptions.TryRemove(id, out var s)) await s.DisposeAsync();
    }
}
