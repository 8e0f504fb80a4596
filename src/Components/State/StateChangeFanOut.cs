namespace ActorRuntime.Components.State;

/// <summary>
/// The subscriber list and watching flag behind a store's <see cref="IStateChangeFeed"/>. Subscribers are kept in a
/// copy-on-write array: changes are frequent, subscriptions (one per silo-side registry) are rare.
/// </summary>
public sealed class StateChangeFanOut : IStateChangeFeed
{
    private readonly Lock _lock = new();
    private Action<StateChange>[] _subscribers = [];
    private volatile string? _notWatchingReason;

    public StateChangeFanOut(string initialReason) => _notWatchingReason = initialReason;

    public bool IsWatching => _notWatchingReason is null;
    public string? NotWatchingReason => _notWatchingReason;

    public IDisposable Subscribe(Action<StateChange> onChange)
    {
        lock (_lock) _subscribers = [.. _subscribers, onChange];
        return new Subscription(this, onChange);
    }

    public void Publish(StateChange change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers)) subscriber(change);
    }

    /// <summary>Changes are reported again; whatever happened while they were not is unknown, so everything changed.</summary>
    /// <remarks>Call only once changes flow again. "All" goes out before the flag flips, so no cache serves a value it kept before.</remarks>
    public void Watching()
    {
        Publish(StateChange.All);
        _notWatchingReason = null;
    }

    public void NotWatching(string reason) => _notWatchingReason = reason;

    private void Unsubscribe(Action<StateChange> onChange)
    {
        lock (_lock) _subscribers = [.. _subscribers.Where(s => s != onChange)];
    }

    private sealed class Subscription(StateChangeFanOut owner, Action<StateChange> onChange) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unsubscribe(onChange);
        }
    }
}
