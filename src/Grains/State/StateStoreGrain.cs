using System.Text.Json;
using ActorRuntime.Components;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Query;
using Orleans.Concurrency;

namespace ActorRuntime.Grains.State;

/// <summary>
/// Runs transactions and queries on the silo that receives them. A transaction is applied by the store in one
/// atomic step; afterwards the key grains it touched drop their cached values, before the caller is answered,
/// so no read that starts after the acknowledgement can see the old value.
/// </summary>
[StatelessWorker]
public sealed class StateStoreGrain(ComponentCatalog components) : Grain, IStateStoreGrain
{
    public async ValueTask<StateOutcome> ExecuteTransaction(IReadOnlyList<StateTransactionOperation> operations, CancellationToken cancellationToken)
    {
        var storeId = this.GetPrimaryKeyString();
        var store = components.GetStateStore(storeId);
        if (operations.Count > store.MaxTransactionOperations)
            return new StateOutcome(StateOutcomeStatus.TooManyOperations, Message: new TooManyOperationsException(operations.Count, store.MaxTransactionOperations).Message);

        var ops = operations.Select(ToStoreOperation).ToList();
        try
        {
            await store.ExecuteTransactionAsync(ops, cancellationToken);
            return new StateOutcome(StateOutcomeStatus.Ok);
        }
        catch (ETagMismatchException ex)
        {
            return new StateOutcome(StateOutcomeStatus.ETagMismatch, Message: ex.Message);
        }
        catch (ETagInvalidException ex)
        {
            return new StateOutcome(StateOutcomeStatus.ETagInvalid, Message: ex.Message);
        }
        finally
        {
            // Also after a failure: a store error may have left the outcome unknown to the caches.
            await Task.WhenAll(operations.Select(o => o.StoredKey).Distinct()
                .Select(k => GrainFactory.KeyGrain(storeId, k).Invalidate().AsTask()));
        }
    }

    public async ValueTask<StateQueryAnswer> Query(string keyPrefix, string queryJson, CancellationToken cancellationToken)
    {
        var store = components.GetStateStore(this.GetPrimaryKeyString());
        var prefix = KeyPrefix.Literal(keyPrefix);
        try
        {
            using var doc = JsonDocument.Parse(queryJson);
            var result = await StateQueryEngine.ExecuteAsync(store, prefix, doc.RootElement, cancellationToken);
            return new StateQueryAnswer([.. result.Results.Select(r => new StateQueryRow(r.Key, r.Data, r.ETag))], result.Token);
        }
        catch (Exception ex) when (ex is InvalidStateQueryException or JsonException)
        {
            return new StateQueryAnswer([], null, ex.Message, InvalidQuery: true);
        }
    }

    private static StateOperation ToStoreOperation(StateTransactionOperation op)
    {
        if (op.Write is { } w)
            return StateOperation.Upsert(new StateWrite(op.StoredKey, w.Value, string.IsNullOrEmpty(w.ETag) ? null : w.ETag,
                w.FirstWrite ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite, w.Ttl, w.ContentType));
        var d = op.Delete!;
        return StateOperation.Remove(new StateDelete(op.StoredKey, string.IsNullOrEmpty(d.ETag) ? null : d.ETag,
            d.FirstWrite ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite));
    }
}
