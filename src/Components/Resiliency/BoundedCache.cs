namespace ActorRuntime.Components.Resiliency;

/// <summary>
/// A small thread-safe least-recently-used map. Holds per-target circuit breakers whose keys come from requests
/// (actor ids, app ids), so memory stays bounded however many distinct targets callers name; an evicted target
/// simply starts again with a closed breaker.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _map;
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new(); // most recently used first

    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _map = new Dictionary<TKey, LinkedListNode<(TKey, TValue)>>(comparer);
    }

    public int Count
    {
        get
        {
            lock (_gate) return _map.Count;
        }
    }

    /// <summary>The value for a key, created by <paramref name="factory"/> under the lock (keep it cheap) when missing.</summary>
    public TValue GetOrAdd<TState>(TKey key, Func<TKey, TState, TValue> factory, TState state)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                if (node != _order.First)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                }
                return node.Value.Value;
            }
            if (_map.Count >= _capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }
            var value = factory(key, state);
            _map[key] = _order.AddFirst((key, value));
            return value;
        }
    }
}
