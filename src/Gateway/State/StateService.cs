using System.Collections.Concurrent;
using ActorRuntime.Components;
using ActorRuntime.Components.Observability;
using ActorRuntime.Components.State;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Grains.State;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.State;

/// <summary>
/// The state building block, shared by the HTTP and gRPC surfaces: validates a request, applies the key prefix,
/// and sends it to the grain that owns the key. Errors come out as <see cref="DaprApiException"/>.
/// </summary>
public sealed class StateService(IGrainFactory grains, ComponentRegistry components, IOptions<GatewayOptions> options, StatePolicies policies,
    Observability.GatewayMetrics metrics, PubSub.StateOutbox? outbox = null)
{
    private readonly GatewayOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, KeyPrefix> _prefixes = new(StringComparer.Ordinal);

    /// <param name="strong">Dapr's <c>consistency=strong</c>: read the store, not the key grain's memory.</param>
    public Task<StateEntry?> GetAsync(string store, string key, CancellationToken ct, bool strong = false) =>
        ComponentMetrics.Enabled ? metrics.State(store, ComponentMetrics.Operations.Get, GetCoreAsync(store, key, ct, strong)) : GetCoreAsync(store, key, ct, strong);

    public Task<IReadOnlyList<BulkStateItem>> GetBulkAsync(string store, IReadOnlyList<string> keys, int parallelism, CancellationToken ct, bool strong = false) =>
        ComponentMetrics.Enabled
            ? metrics.State(store, ComponentMetrics.Operations.BulkGet, GetBulkCoreAsync(store, keys, parallelism, ct, strong))
            : GetBulkCoreAsync(store, keys, parallelism, ct, strong);

    public Task SaveAsync(string store, IReadOnlyList<SaveStateItem> items, CancellationToken ct) =>
        ComponentMetrics.Enabled ? metrics.State(store, ComponentMetrics.Operations.Set, SaveCoreAsync(store, items, ct)) : SaveCoreAsync(store, items, ct);

    public Task DeleteAsync(string store, IReadOnlyList<DeleteStateItem> items, CancellationToken ct) =>
        ComponentMetrics.Enabled
            ? metrics.State(store, items.Count == 1 ? ComponentMetrics.Operations.Delete : ComponentMetrics.Operations.BulkDelete, DeleteCoreAsync(store, items, ct))
            : DeleteCoreAsync(store, items, ct);

    public Task ExecuteTransactionAsync(string store, IReadOnlyList<StateTransactionItem> items, CancellationToken ct) =>
        ComponentMetrics.Enabled
            ? metrics.State(store, ComponentMetrics.Operations.Transaction, ExecuteTransactionCoreAsync(store, items, ct))
            : ExecuteTransactionCoreAsync(store, items, ct);

    public Task<StateQueryAnswer> QueryAsync(string store, string queryJson, CancellationToken ct) =>
        ComponentMetrics.Enabled ? metrics.State(store, ComponentMetrics.Operations.Query, QueryCoreAsync(store, queryJson, ct)) : QueryCoreAsync(store, queryJson, ct);

    private async Task<StateEntry?> GetCoreAsync(string store, string key, CancellationToken ct, bool strong)
    {
        var storedKey = Resolve(store, key);
        try
        {
            var grain = KeyGrain(store, storedKey);
            return await policies.ReadAsync(store, c => strong ? grain.GetStrong(c) : grain.Get(c), ct);
        }
        catch (Exception ex) when (ex is not DaprApiException and not OperationCanceledException)
        {
            throw DaprErrors.StateGet(key, store, ex.Message).ToException();
        }
    }

    private async Task<IReadOnlyList<BulkStateItem>> GetBulkCoreAsync(string store, IReadOnlyList<string> keys, int parallelism, CancellationToken ct, bool strong)
    {
        foreach (var k in keys) Resolve(store, k);
        var results = new BulkStateItem[keys.Count];
        var po = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : 100, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), po, async (i, token) =>
        {
            var key = keys[i];
            try
            {
                var grain = KeyGrain(store, Resolve(store, key));
                var e = await policies.ReadAsync(store, c => strong ? grain.GetStrong(c) : grain.Get(c), token);
                results[i] = new BulkStateItem(key, e?.Value, e?.ETag, e?.ExpiresAt, e?.ContentType, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results[i] = new BulkStateItem(key, null, null, null, null, ex.Message);
            }
        });
        return results;
    }

    private async Task SaveCoreAsync(string store, IReadOnlyList<SaveStateItem> items, CancellationToken ct)
    {
        var commands = items.Select(i => (Key: i.Key, Stored: Resolve(store, i.Key), Command: ToWriteCommand(store, i))).ToList();
        var outcomes = await Task.WhenAll(commands.Select(async c =>
        {
            try { return await policies.WriteAsync(store, StatePolicies.IsConditional(c.Command.ETag, c.Command.FirstWrite), t => KeyGrain(store, c.Stored).Set(c.Command, t), ct); }
            catch (Exception ex) when (ex is not OperationCanceledException) { return new StateOutcome(StateOutcomeStatus.StoreError, Message: ex.Message); }
        }));
        ThrowIfFailed(outcomes, (detail, http, grpc) => DaprErrors.StateSave(store, detail, http, grpc));
    }

    private async Task DeleteCoreAsync(string store, IReadOnlyList<DeleteStateItem> items, CancellationToken ct)
    {
        var outcomes = await Task.WhenAll(items.Select(async i =>
        {
            var stored = Resolve(store, i.Key);
            try { return await policies.WriteAsync(store, StatePolicies.IsConditional(i.ETag, i.FirstWrite), c => KeyGrain(store, stored).Delete(new StateDeleteCommand(i.ETag, i.FirstWrite), c), ct); }
            catch (Exception ex) when (ex is not OperationCanceledException) { return new StateOutcome(StateOutcomeStatus.StoreError, Message: ex.Message); }
        }));
        ThrowIfFailed(outcomes, (detail, http, grpc) => items.Count == 1
            ? DaprErrors.StateDelete(items[0].Key, detail, http, grpc)
            : DaprErrors.StateDeleteBulk(store, detail, http, grpc));
    }

    private async Task ExecuteTransactionCoreAsync(string store, IReadOnlyList<StateTransactionItem> items, CancellationToken ct)
    {
        var instance = RequireStore(store);
        if (!instance.Features.HasFlag(StateStoreFeatures.Transactional)) throw DaprErrors.TransactionsNotSupported(store).ToException();
        if (items.Count > instance.MaxTransactionOperations)
            throw DaprErrors.TooManyTransactionOperations(items.Count, instance.MaxTransactionOperations).ToException();
        // Transactional outbox: projections leave the operations, and each upsert's event is written in the same transaction.
        var outboxPlan = outbox?.SettingsFor(store) is { } outboxSettings ? outbox.Prepare(store, outboxSettings, items, k => Resolve(store, k)) : null;
        if (outboxPlan is not null) items = outboxPlan.Items;
        var ops = items.Select(i => i.Save is { } s
            ? new StateTransactionOperation(Resolve(store, s.Key), ToWriteCommand(store, s), null)
            : new StateTransactionOperation(Resolve(store, i.Delete!.Key), null, new StateDeleteCommand(i.Delete.ETag, i.Delete.FirstWrite))).ToList();
        if (outboxPlan is not null)
            ops.AddRange(outboxPlan.Records.Select(r => new StateTransactionOperation(r.StoredKey, new StateWriteCommand(r.Value, null, false, null, null), null)));
        StateOutcome outcome;
        try
        {
            var conditional = items.Any(i => i.Save is { } s ? StatePolicies.IsConditional(s.ETag, s.FirstWrite) : StatePolicies.IsConditional(i.Delete!.ETag, i.Delete.FirstWrite));
            var grain = grains.GetGrain<IStateStoreGrain>(InstanceId(store));
            outcome = await policies.WriteAsync(store, conditional, c => grain.ExecuteTransaction(ops, c), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw DaprErrors.StateTransaction(ex.Message).ToException();
        }
        switch (outcome.Status)
        {
            case StateOutcomeStatus.Ok:
                if (outboxPlan is not null) outbox!.Committed(store);
                return;
            case StateOutcomeStatus.ETagMismatch: throw DaprErrors.StateTransaction(outcome.Message!, 409, StatusCode.Aborted).ToException();
            case StateOutcomeStatus.ETagInvalid: throw DaprErrors.StateTransaction(outcome.Message!, 400, StatusCode.InvalidArgument).ToException();
            default: throw DaprErrors.TooManyTransactionOperations(items.Count, instance.MaxTransactionOperations).ToException();
        }
    }

    private async Task<StateQueryAnswer> QueryCoreAsync(string store, string queryJson, CancellationToken ct)
    {
        var instance = RequireStore(store);
        if (!instance.Features.HasFlag(StateStoreFeatures.QueryApi)) throw DaprErrors.QueryNotSupported(store).ToException();
        StateQueryAnswer answer;
        try
        {
            var grain = grains.GetGrain<IStateStoreGrain>(InstanceId(store));
            var prefix = PrefixFor(store).Prefix;
            answer = await policies.ReadAsync(store, c => grain.Query(prefix, queryJson, c), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw DaprErrors.StateQuery(store, ex.Message).ToException();
        }
        if (answer.InvalidQuery) throw DaprErrors.StateQuery(store, answer.Error ?? "invalid query", 400, StatusCode.InvalidArgument).ToException();
        return answer;
    }

    /// <summary>Checks the store and key and returns the key as stored (<c>appid||key</c> by default).</summary>
    public string Resolve(string store, string key)
    {
        RequireStore(store);
        if (key.Contains(KeyPrefix.Separator, StringComparison.Ordinal)) throw DaprErrors.IllegalKey(key).ToException();
        return PrefixFor(store).Apply(key);
    }

    private IStateStore RequireStore(string store)
    {
        if (components.StateStoreCount == 0) throw DaprErrors.StateStoresNotConfigured().ToException();
        if (!components.TryGetStateStore(store, out var instance)) throw DaprErrors.StateStoreNotFound(store).ToException();
        return instance;
    }

    private KeyPrefix PrefixFor(string store) =>
        _prefixes.GetOrAdd(store, s => components.TryGetDefinition(s, out var d)
            ? KeyPrefix.For(d, _options.AppId, _options.Namespace)
            : throw DaprErrors.StateStoreNotFound(s).ToException());

    private IStateKeyGrain KeyGrain(string store, string storedKey) => grains.KeyGrain(InstanceId(store), storedKey);

    private string InstanceId(string store) => components.TryGetDefinition(store, out var d) ? d.InstanceId : throw DaprErrors.StateStoreNotFound(store).ToException();

    private static StateWriteCommand ToWriteCommand(string store, SaveStateItem item) =>
        new(item.Value, string.IsNullOrEmpty(item.ETag) ? null : item.ETag, item.FirstWrite,
            StateMetadata.ParseTtl(item.Metadata, store), StateMetadata.ContentTypeOf(item.Metadata));

    /// <summary>Every item stands alone (as in Dapr's bulk operations); the first failure decides the status.</summary>
    private static void ThrowIfFailed(IReadOnlyList<StateOutcome> outcomes, Func<string, int, StatusCode, DaprError> error)
    {
        var failed = outcomes.Where(o => o.Status != StateOutcomeStatus.Ok).ToList();
        if (failed.Count == 0) return;
        var detail = string.Join("; ", failed.Select(f => f.Message).Distinct());
        var (http, grpc) = failed[0].Status switch
        {
            StateOutcomeStatus.ETagMismatch => (409, StatusCode.Aborted),
            StateOutcomeStatus.ETagInvalid => (400, StatusCode.InvalidArgument),
            _ => (500, StatusCode.Internal),
        };
        throw error(detail, http, grpc).ToException();
    }
}
