using ActorRuntime.Components;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Components.State;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Grains.PubSub.Outbox;

/// <summary>
/// The drain loop of an <see cref="OutboxGrain"/>, off the grain's scheduler: waits until a pass is due, then reads the
/// store's outbox records in key (commit) order and for each publishes its event and deletes it.
/// </summary>
internal sealed partial class OutboxDrain(ComponentCatalog components, string storeInstanceId, SemaphoreSlim due, ILogger logger)
{
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await due.WaitAsync(ct).ConfigureAwait(false);
                await DrainAsync(components.GetStateStore(storeInstanceId), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The records stay in the store; the next kick (a few seconds at most) tries again.
                LogDrainFailed(storeInstanceId, ex.Message);
                await Task.Delay(FailureBackoff, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task DrainAsync(IStateStore store, CancellationToken ct)
    {
        var records = new List<KeyValuePair<string, StoredState>>();
        await foreach (var r in store.ScanAsync(OutboxRecord.KeyPrefix, ct).ConfigureAwait(false)) records.Add(r);
        foreach (var (key, state) in records.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            OutboxRecord record;
            try
            {
                record = OutboxRecord.Parse(state.Value);
            }
            catch (System.Text.Json.JsonException ex)
            {
                LogUnreadable(key, ex.Message);
                await store.DeleteAsync(new StateDelete(key), ct).ConfigureAwait(false);
                continue;
            }
            if (!components.TryGet<IPubSub>(PubSubCatalogExtensions.Category, record.PubSubInstanceId, out var pubsub))
            {
                // Written by a runtime with another pub/sub definition (the store may be shared): left for it.
                LogForeign(key);
                continue;
            }
            // A failure ends the pass here: the records after it wait, so the events of one key keep their order.
            await pubsub.PublishAsync(record.Topic, new BrokerMessage(record.Event, record.StateKey), ct).ConfigureAwait(false);
            TopicSignals.Raise(record.PubSubInstanceId, record.Topic);
            await store.DeleteAsync(new StateDelete(key), ct).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox of state store {Store}: publishing failed, the events stay in the store and are tried again: {Error}")]
    private partial void LogDrainFailed(string store, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox: record {Key} names a pub/sub this silo does not have; left in the store")]
    private partial void LogForeign(string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: record {Key} is not readable and is removed: {Error}")]
    private partial void LogUnreadable(string key, string error);

}
