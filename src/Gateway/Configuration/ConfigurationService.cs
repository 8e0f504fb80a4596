using System.Collections.Concurrent;
using ActorRuntime.Components;
using ActorRuntime.Components.ConfigurationStores;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.Configuration;
using ActorRuntime.Grains.Directory;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Configuration;

/// <summary>
/// The configuration building block, shared by the HTTP and gRPC surfaces. Stores are read from this gateway, and a
/// subscription is fed here from the store's own change feed. A gRPC subscription is its stream and ends with it. An
/// HTTP subscription (changes POSTed to the app) is also recorded in the app's <see cref="IConfigurationSubscriptionsGrain"/>:
/// if this gateway is lost, another gateway of the app (or this one restarted) resumes it under the same id
/// (<see cref="ConfigurationSubscriptionKeeper"/>).
/// </summary>
public sealed partial class ConfigurationService(ComponentRegistry components, IGrainFactory grains, LocalAppInstance local, ConfigurationDelivery delivery,
    ILogger<ConfigurationService> logger) : IAsyncDisposable
{
    public const string Category = "configuration";
    private readonly ConcurrentDictionary<string, IAsyncDisposable> _subscriptions = new(StringComparer.Ordinal);
    // The running subscriptions that are recorded in the app's grain (HTTP ones), as opposed to gRPC streams.
    private readonly ConcurrentDictionary<string, bool> _recorded = new(StringComparer.Ordinal);

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

    /// <summary>Starts a subscription held by the caller's stream; <paramref name="onChange"/> gets its id and the changed items.</summary>
    public async Task<string> SubscribeAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata,
        Func<string, IReadOnlyDictionary<string, ConfigurationItem>, Task> onChange, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString();
        await StartAsync(id, store, keys, metadata, onChange, ct);
        return id;
    }

    /// <summary>Starts a subscription delivered to the app over HTTP and records it, so it outlives this gateway.</summary>
    public async Task<string> SubscribeForAppAsync(string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString();
        await StartAsync(id, store, keys, metadata, (sid, items) => delivery.DeliverAsync(store, sid, items), ct);
        try
        {
            await Book().Add(new ConfigurationSubscription(id, store, [.. keys], new Dictionary<string, string>(metadata), local.InstanceId));
            _recorded[id] = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Without a durable grain storage (no actor state store), the subscription still works, as daprd's does:
            // it ends with this gateway.
            LogNotRecorded(logger, id, store, ex.Message);
        }
        return id;
    }

    /// <summary>Ends a subscription, wherever it is fed; false with a reason when there is none with this id.</summary>
    public async Task<(bool Ok, string Message)> UnsubscribeAsync(string id)
    {
        var wasLocal = await StopAsync(id);
        // An HTTP subscription may be fed by another gateway of the app; it stops feeding on its next claim.
        bool wasRecorded;
        try
        {
            wasRecorded = await Book().Remove(id);
        }
        catch (Exception ex)
        {
            // No durable grain storage: nothing could have been recorded, so only a local subscription existed.
            LogNotRecorded(logger, id, "", ex.Message);
            wasRecorded = false;
        }
        return wasLocal || wasRecorded ? (true, "") : (false, $"subscription {id} not found");
    }

    /// <summary>The ids of the recorded (HTTP) subscriptions this gateway feeds now.</summary>
    internal ICollection<string> RecordedIds => _recorded.Keys;

    /// <summary>Feeds a recorded subscription that this gateway holds but does not feed yet (taken over, or its own from a previous run).</summary>
    internal async Task ResumeAsync(ConfigurationSubscription s, CancellationToken ct)
    {
        await StartAsync(s.Id, s.Store, s.Keys, s.Metadata, (sid, items) => delivery.DeliverAsync(s.Store, sid, items), ct);
        _recorded[s.Id] = true;
    }

    internal async Task<bool> StopAsync(string id)
    {
        _recorded.TryRemove(id, out _);
        if (!_subscriptions.TryRemove(id, out var subscription)) return false;
        await subscription.DisposeAsync();
        return true;
    }

    internal IConfigurationSubscriptionsGrain Book() =>
        grains.GetGrain<IConfigurationSubscriptionsGrain>(AppDirectoryKeys.ForApp(local.Namespace, local.AppId));

    private async Task StartAsync(string id, string store, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string> metadata,
        Func<string, IReadOnlyDictionary<string, ConfigurationItem>, Task> onChange, CancellationToken ct)
    {
        var configuration = Store(store);
        try
        {
            var subscription = await configuration.SubscribeAsync(keys, metadata, items => onChange(id, items), ct);
            if (!_subscriptions.TryAdd(id, subscription)) await subscription.DisposeAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw DaprErrors.ConfigurationSubscribe(string.Join(",", keys), store, ex.Message).ToException();
        }
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
        foreach (var id in _subscriptions.Keys.ToList()) await StopAsync(id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration subscription {Id} {Store} is not recorded in the cluster and ends with this gateway: {Problem}")]
    private static partial void LogNotRecorded(ILogger logger, string id, string store, string problem);
}
