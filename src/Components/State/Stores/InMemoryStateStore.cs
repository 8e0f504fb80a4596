using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// <c>state.in-memory</c>: process-local and lost on exit; for tests and single-process development.
/// Reads are lock-free; all writes go through one lock, which is what makes transactions atomic.
/// Nothing outside this process can write it, so its change feed reports every write and is always watching.
/// </summary>
public sealed class InMemoryStateStore : IStateStore, IStateChangeFeed
{
    private sealed record Entry(byte[] Value, string ETag, DateTimeOffset? ExpiresAt, string? ContentType)
    {
        public bool IsLiveAt(DateTimeOffset now) => ExpiresAt is not { } expiry || expiry > now;
        public StoredState ToStoredState() => new(Value.ToArray(), ETag, ExpiresAt, ContentType);
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly TimeSpan _cleanupInterval;
    private readonly TimeProvider _clock;
    private PeriodicSweep? _sweep;
    private long _lastETag;
    private readonly StateChangeFanOut _changes = new("not initialised");

    public InMemoryStateStore(ComponentDefinition definition) : this(definition, TimeProvider.System) { }

    internal InMemoryStateStore(ComponentDefinition definition, TimeProvider clock)
    {
        Name = definition.Name;
        Type = definition.Type;
        _clock = clock;
        var metadata = definition.GetMetadata();
        _cleanupInterval = metadata.GetDuration("cleanupInterval") ?? TimeSpan.FromSeconds(10);
        if (_cleanupInterval <= TimeSpan.Zero) throw metadata.Error("cleanupInterval", "must be positive");
        metadata.GetBool("actorStateStore", false); // validated here so a typo fails at start-up
    }

    public string Name { get; }
    public string Type { get; }
    public StateStoreFeatures Features =>
        StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.QueryApi | StateStoreFeatures.Ttl | StateStoreFeatures.Actor;

    public bool IsWatching => _changes.IsWatching;
    public string? NotWatchingReason => _changes.NotWatchingReason;
    public IDisposable Subscribe(Action<StateChange> onChange) => _changes.Subscribe(onChange);

    public Task InitAsync(CancellationToken cancellationToken)
    {
        if (!_changes.IsWatching) _changes.Watching();
        _sweep ??= new PeriodicSweep(_cleanupInterval, _ => { RemoveExpired(); return Task.CompletedTask; });
        return Task.CompletedTask;
    }

    public Task<StoredState?> GetAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(LiveEntry(key, _clock.GetUtcNow())?.ToStoredState());

    public Task<string> SetAsync(StateWrite write, CancellationToken cancellationToken)
    {
        var applied = Apply([StateOperation.Upsert(write)]);
        return Task.FromResult(applied[0]!.ETag);
    }

    public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken)
    {
        Apply([StateOperation.Remove(delete)]);
        return Task.CompletedTask;
    }

    public Task ExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        Apply(operations);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<KeyValuePair<string, StoredState>> ScanAsync(
        string keyPrefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (key.StartsWith(keyPrefix, StringComparison.Ordinal) && entry.IsLiveAt(now))
                yield return new(key, entry.ToStoredState());
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sweep is not null) await _sweep.DisposeAsync().ConfigureAwait(false);
        _sweep = null;
    }

    /// <summary>
    /// Checks every operation against the state left by the ones before it, and only then publishes the result,
    /// so a failing operation leaves nothing behind. Returns the entry each operation produced (null for deletes).
    /// </summary>
    private Entry?[] Apply(IReadOnlyList<StateOperation> operations)
    {
        var (produced, staged) = ApplyLocked(operations);
        foreach (var (key, entry) in staged) _changes.Publish(new StateChange(key, entry?.ETag, Deleted: entry is null));
        return produced;
    }

    private (Entry?[] Produced, Dictionary<string, Entry?> Staged) ApplyLocked(IReadOnlyList<StateOperation> operations)
    {
        lock (_writeLock)
        {
            var now = _clock.GetUtcNow();
            var staged = new Dictionary<string, Entry?>(StringComparer.Ordinal);
            var produced = new Entry?[operations.Count];
            for (var i = 0; i < operations.Count; i++)
            {
                var op = operations[i];
                var current = staged.TryGetValue(op.Key, out var stagedEntry) ? stagedEntry : LiveEntry(op.Key, now);
                var (precondition, etag) = op.Write is { } w ? (StateWriteRules.For(w), w.ETag) : (StateWriteRules.For(op.Delete!), op.Delete!.ETag);
                if (!StateWriteRules.IsSatisfied(precondition, etag, current?.ETag)) throw new ETagMismatchException(op.Key);
                produced[i] = op.Write is { } write ? NewEntry(write, now) : null;
                staged[op.Key] = produced[i];
            }
            foreach (var (key, entry) in staged)
            {
                if (entry is null) _entries.TryRemove(key, out _);
                else _entries[key] = entry;
            }
            return (produced, staged);
        }
    }

    private Entry NewEntry(StateWrite write, DateTimeOffset now) => new(
        write.Value.ToArray(),
        Interlocked.Increment(ref _lastETag).ToString(CultureInfo.InvariantCulture),
        StateWriteRules.ExpiryFrom(now, StateWriteRules.EffectiveTtl(write.Ttl)),
        write.ContentType);

    private Entry? LiveEntry(string key, DateTimeOffset now) =>
        _entries.TryGetValue(key, out var entry) && entry.IsLiveAt(now) ? entry : null;

    private void RemoveExpired()
    {
        var now = _clock.GetUtcNow();
        foreach (var pair in _entries)
        {
            // Removing by key and value leaves an entry alone if a writer replaced it meanwhile.
            if (!pair.Value.IsLiveAt(now) && _entries.TryRemove(pair)) _changes.Publish(new StateChange(pair.Key, Deleted: true));
        }
    }
}
