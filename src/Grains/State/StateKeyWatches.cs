using System.Collections.Concurrent;
using ActorRuntime.Components.State;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Grains.State;

/// <summary>
/// Per silo: the key grains active here, by store, and one subscription to each store's change feed. A change is
/// routed to the key's activation only if it is active in this silo; nothing is activated for a notification.
/// Each silo has its own store connection and feed, so each invalidates its own activations.
/// </summary>
public sealed partial class StateKeyWatches(ILogger<StateKeyWatches> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, StoreWatches> _stores = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>
    /// Registers an activation. Null when the store has no change feed: such a store is read through.
    /// </summary>
    public StateKeyWatch? Watch(string storeId, IStateStore store, string storedKey)
    {
        if (store is not IStateChangeFeed feed) return null;
        if (!_stores.TryGetValue(storeId, out var watches))
        {
            lock (_lock)
            {
                // Under the lock so one feed never gets two subscriptions.
                watches = _stores.GetOrAdd(storeId, id => new StoreWatches(feed));
            }
        }
        var watch = new StateKeyWatch();
        watches.Keys[storedKey] = watch;
        return watch;
    }

    public void Unwatch(string storeId, string storedKey, StateKeyWatch watch)
    {
        if (_stores.TryGetValue(storeId, out var watches)) watches.Keys.TryRemove(new(storedKey, watch));
    }

    /// <summary>True when reads may come from memory; logs once per store when they may not.</summary>
    public bool IsFresh(string storeId, IStateChangeFeed feed)
    {
        if (feed.IsWatching) return true;
        if (_stores.TryGetValue(storeId, out var watches) && Interlocked.Exchange(ref watches.Logged, 1) == 0)
            LogReadThrough(logger, storeId.Split('#', 2)[0], feed.NotWatchingReason ?? "unknown");
        return false;
    }

    /// <summary>Number of active key grains registered for a store (for tests and diagnostics).</summary>
    public int CountFor(string storeId) => _stores.TryGetValue(storeId, out var w) ? w.Keys.Count : 0;

    public void Dispose()
    {
        foreach (var w in _stores.Values) w.Subscription.Dispose();
        _stores.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "State store {Store}: changes made outside this runtime are not being reported ({Reason}); reads go to the store until they are")]
    private static partial void LogReadThrough(ILogger logger, string store, string reason);

    private sealed class StoreWatches
    {
        public readonly ConcurrentDictionary<string, StateKeyWatch> Keys = new(StringComparer.Ordinal);
        public readonly IDisposable Subscription;
        public int Logged;

        public StoreWatches(IStateChangeFeed feed) => Subscription = feed.Subscribe(OnChange);

        private void OnChange(StateChange change)
        {
            if (change.IsAll)
            {
                foreach (var watch in Keys.Values) watch.Changed();
            }
            else if (Keys.TryGetValue(change.Key!, out var watch))
            {
                watch.Changed(change.ETag, change.Deleted);
            }
        }
    }
}
