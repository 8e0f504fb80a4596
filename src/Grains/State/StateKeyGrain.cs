using ActorRuntime.Components;
using ActorRuntime.Components.State;

namespace ActorRuntime.Grains.State;

/// <summary>
/// Owns one stored key. Writes are ordered by the activation's turns and reach the store before the caller is
/// answered; the store checks ETags itself, so a duplicate activation during a membership change can never let a
/// stale write win. Keys carry the store's instance id (name + settings hash), so a grain only ever talks to the store its caller meant. Reads come from memory once loaded, because every write to this key passes through here.
/// </summary>
[GrainType(StateGrainKeys.KeyGrainType)]
[CollectionAgeLimit(Minutes = 2)]
[Orleans.Placement.PreferLocalPlacement] // activate beside the gateway that asked: it has the store loaded
public sealed class StateKeyGrain(ComponentCatalog components) : Grain, IStateKeyGrain
{
    /// <summary>Values above this size are not kept in memory: idle activations should stay small.</summary>
    internal const int MaxCachedValueBytes = 64 * 1024;

    private IStateStore _store = null!;
    private string _key = null!;
    private StateEntry? _cached;
    private bool _loaded;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (var storeId, _key) = StateGrainKeys.Split(this.GetPrimaryKeyString());
        _store = components.GetStateStore(storeId);
        return Task.CompletedTask;
    }

    public async ValueTask<StateEntry?> Get(CancellationToken cancellationToken)
    {
        if (!_loaded)
        {
            var stored = await _store.GetAsync(_key, cancellationToken);
            var entry = stored is null ? null : new StateEntry(stored.Value, stored.ETag, stored.ExpiresAt, stored.ContentType);
            if (entry is null || entry.Value.Length <= MaxCachedValueBytes)
            {
                _cached = entry;
                _loaded = true;
            }
            return entry;
        }
        if (_cached?.ExpiresAt is { } expires && expires <= DateTimeOffset.UtcNow)
        {
            _cached = null;
        }
        return _cached;
    }

    public async ValueTask<StateOutcome> Set(StateWriteCommand write, CancellationToken cancellationToken)
    {
        var request = new StateWrite(_key, write.Value, NullIfEmpty(write.ETag),
            write.FirstWrite ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite, write.Ttl, write.ContentType);
        try
        {
            var etag = await _store.SetAsync(request, cancellationToken);
            if (write.Ttl is null && _store is IStateStoreWithDefaultTtl { HasDefaultTtl: true })
            {
                Forget(); // the store applied its own TTL: learn the expiry from it on the next read
            }
            else
            {
                var expires = write.Ttl is { } ttl && ttl > TimeSpan.Zero ? DateTimeOffset.UtcNow + ttl : (DateTimeOffset?)null;
                Remember(new StateEntry(write.Value, etag, expires, write.ContentType));
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
        try
        {
            await _store.DeleteAsync(request, cancellationToken);
            _cached = null;
            _loaded = true;
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
        Forget();
        return ValueTask.CompletedTask;
    }

    private void Remember(StateEntry entry)
    {
        if (entry.Value.Length <= MaxCachedValueBytes)
        {
            _cached = entry;
            _loaded = true;
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
