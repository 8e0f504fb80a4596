using ActorRuntime.Components.PubSub;

namespace ActorRuntime.Grains.PubSub;

/// <summary>
/// Gathers the events a <see cref="SubscriptionPump"/>'s lanes hand over for a bulk subscription into batches, as Dapr's
/// bulk subscriber does: a batch leaves when it holds <c>maxMessagesCount</c> events or <c>maxAwaitDurationMs</c> after
/// its first event. Each lane waits for its own entry's outcome, so a batch holds at most one event per partition key
/// and per-key order is kept. A batch takes one slot of the pump's in-flight bound (<c>concurrency</c> counts requests
/// to the app, as it does for single events).
/// </summary>
internal sealed class BulkBatcher(int maxMessages, TimeSpan maxAwait, SemaphoreSlim inFlight, PubSubDeliveryClient client)
{
    private readonly Lock _gate = new();
    private List<Pending> _open = [];
    private long _batch;

    /// <summary>The entry's outcome once its batch was answered.</summary>
    /// <exception cref="HttpRequestException">The instance chosen for the batch could not be reached: try again.</exception>
    public Task<DeliveryOutcome> SubmitAsync(ReceivedMessage message, SubscriberLease to, CancellationToken ct)
    {
        var pending = new Pending(new BulkEntry(message.Id, message.Data), to, new TaskCompletionSource<DeliveryOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        List<Pending>? full = null;
        long batch;
        bool first;
        lock (_gate)
        {
            _open.Add(pending);
            first = _open.Count == 1;
            batch = _batch;
            if (_open.Count >= maxMessages)
            {
                full = _open;
                _open = [];
                _batch++;
            }
        }
        if (full is not null) _ = Task.Run(() => SendAsync(full, ct), CancellationToken.None);
        else if (first) _ = Task.Run(() => SendAfterAsync(batch, ct), CancellationToken.None);
        return pending.Outcome.Task.WaitAsync(ct);
    }

    private async Task SendAfterAsync(long batch, CancellationToken ct)
    {
        try
        {
            await Task.Delay(maxAwait, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the lanes stop waiting on their own token; the events stay pending in the broker
        }
        List<Pending>? due = null;
        lock (_gate)
        {
            // The batch may have left already because it filled up.
            if (_batch == batch && _open.Count > 0)
            {
                due = _open;
                _open = [];
                _batch++;
            }
        }
        if (due is not null) await SendAsync(due, ct).ConfigureAwait(false);
    }

    private async Task SendAsync(List<Pending> batch, CancellationToken ct)
    {
        try
        {
            await inFlight.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // The batch goes to the instance the first lane picked; lanes rotate instances, so batches do too.
                var outcomes = await client.DeliverBulkAsync(batch[0].To, [.. batch.Select(p => p.Entry)], ct).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++) batch[i].Outcome.TrySetResult(i < outcomes.Count ? outcomes[i] : DeliveryOutcome.Retry);
            }
            finally
            {
                inFlight.Release();
            }
        }
        catch (Exception ex)
        {
            foreach (var p in batch) p.Outcome.TrySetException(ex);
        }
    }

    private sealed record Pending(BulkEntry Entry, SubscriberLease To, TaskCompletionSource<DeliveryOutcome> Outcome);
}
