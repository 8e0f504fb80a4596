using ActorRuntime.Components;
using ActorRuntime.Components.State;

namespace ActorRuntime.Grains.State;

/// <summary>
/// Owns one stored key. Writes are ordered by the activation's turns and reach the store before the caller is
/// answered; the store checks ETags itself, so a duplicate activation during a membership change can never let a
/// stale write win. Keys carry the store's instance id (name + settings hash), so a grain only ever talks to the store
/// its caller meant.
/// Reads come from memory only while the store's change feed (<see cref="IStateChangeFeed"/>) is watching and has
/// reported no change to the key since it was cached: other runtimes, Dapr sidecars and scripts may write the same
/// key. Stores without a feed are read through.
/// </summary>
[GrainType(StateGrainKeys.KeyGrainType)]
[CollectionAgeLimit(Minutes = 2)]
[Orleans.Placement.PreferLocalPlacement] // activate beside the gateway that asked: it has the store loaded
public sealed class StateKeyGrain(ComponentCatalog components, StateKeyWatches watches) : Grain, IStateKeyGrain
{
    /// <summary>Values above this size are not kept in memory: idle activations should stay small.</summary>
    internal const int MaxCachedValueBytes = 64 * 1024;

    private IStateStore _store = null!;
    private string _storeId = null!;
    private string _key = null!;
    private StateKeyWatch? _watch;
    private StateEntry? _cached;
    private bool _loaded;
    private long _cachedAt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_storeId, _key) = StateGrainKeys.Split(this.GetPrimaryKeyString());
        _store = components.GetStateStore(_storeId);
        _watch = watches.Watch(_storeId, _store, _key);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_watch is not null) watches.Unwatch(_storeId, _key, _watch);
        return Task.CompletedTask;
    }

    public ValueTask<StateEntry?> Get(CancellationToken cancellationToken)
    {
        if (_loaded && _watch is { } watch && watch.Version == _cachedAt && watches.IsFresh(_storeId, (IStateChangeFeed)_store))
        {
            if (_cached?.ExpiresAt is { } expires && expires <= DateTimeOffset.UtcNow) _cached = null;
            return ValueTask.FromResult(_cached);
        }
        return Load(cancellationToken);
    }

    public ValueTask<StateEntry?> GetStrong(CancellationToken cancellationToken) => Load(cancellationToken);

    private async ValueTask<StateEntry?> Load(CancellationToken cancellationToken)
    {
        var before = _watch?.Version ?? 0;
        var stored = await _store.GetAsync(_key, cancellationToken);
        var entry = stored is null ? null : new StateEntry(stored.Value, stored.ETag, stored.ExpiresAt, stored.ContentType);
        // Kept only if nothing changed the key while the store answered; a change seen meanwhile may be newer than it.
        if (_watch is not null && _watch.Version == before) Remember(entry, before);
        else if (_watch is not null) Forget();
        return entry;
    }

    public async ValueTask<StateOutcome> Set(StateWriteCommand write, CancellationToken cancellationToken)
    {
        var request = new StateWrite(_key, write.Value, NullIfEmpty(write.ETag),
            write.FirstWrite ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite, write.Ttl, write.ContentType);
        var before = _watch?.Version ?? 0;
        try
        {
            var etag = await _store.SetAsync(request, cancellationToken);
            var at = _watch?.Wrote(before, etag);
            if (at is null || (write.Ttl is null && _store is IStateStoreWithDefaultTtl { HasDefaultTtl: true }))
            {
                Forget(); // read-through store, someone else wrote meanwhile, or the store applied its own TTL
            }
            else
            {
                var expires = write.Ttl is { } ttl && ttl > TimeSpan.Zero ? DateTimeOffset.UtcNow + ttl : (DateTimeOffset?)null;
                Remember(new StateEntry(write.Value, etag, expires, write.ContentType), at.Value);
            }
            return new StateOutcome(StateOutcomeStatus.Ok, etag);
        }
        catch (ETagMismatchException ex)
        {
            Forget(); // the store knows something we do not (e.g. a writer outside this runtime)
            return new StateOutcome(StateOutcomeStatus.ETagMismatch, Message: ex.Message);
        }
        catch (ETagInvalidException ex)
        {
            return new StateOutcome(StateOutcomeStatus.ETagInvalid, Message: ex.Message);
        }
        catch
        {
            Forget(); // outcome unknown: the next read must ask the store
            throw;
        }
    }

    public async ValueTask<StateOutcome> Delete(StateDeleteCommand delete, CancellationToken cancellationToken)
    {
        var request = new StateDelete(_key, NullIfEmpty(delete.ETag), delete.FirstWrite ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite);
        var before = _watch?.Version ?? 0;
        try
        {
            await _store.DeleteAsync(request, cancellationToken);
            if (_watch?.Wrote(before, null) is { } at) Remember(null, at);
            else Forget();
            return StateOutcome.Deleted;
        }
        catch (ETagMismatchException ex)
        {
            Forget();
            return new StateOutcome(StateOutcomeStatus.ETagMismatch, Message: ex.Message);
        }
        catch (ETagInvalidException ex)
        {
            return new StateOutcome(StateOutcomeStatus.ETagInvalid, Message: ex.Message);
        }
        catch
        {
            Forget();
            throw;
        }
    }

    public ValueTask Invalidate()
    {
        // Bumping the watch also spoils a load that is in flight right now (this method interleaves).
        _watch?.Changed();
        Forget();
        return ValueTask.CompletedTask;
    }

    private void Remember(StateEntry? entry, long at)
    {
        if (entry is null || entry.Value.Length <= MaxCachedValueBytes)
        {
            _cached = entry;
            _loaded = true;
            _cachedAt = at;
        }
        else Forget();
    }

    private void Forget()
    {
        _cached = null;
        _loaded = false;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
