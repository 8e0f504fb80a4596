using ActorRuntime.Components.PubSub;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Grains.PubSub;

/// <summary>
/// Reads one consumer group of one topic and delivers every event to a live instance of the app, until cancelled.
/// <list type="bullet">
/// <item>Start: the group's pending events (read before a crash, never acknowledged) first, in broker order; then new ones.</item>
/// <item>Order: events with the same partition key form a lane and go one at a time, the next only after the previous
/// is acknowledged, dead-lettered or dropped, so retries keep order. Events without a key run side by side.</item>
/// <item>Bounds: at most <c>queueDepth</c> events read ahead and <c>concurrency</c> deliveries in flight.</item>
/// <item>Bulk (<paramref name="bulkMaxMessages"/> &gt; 0): the lanes hand their events to a <see cref="BulkBatcher"/>
/// instead of delivering them one by one; a batch counts as one delivery, and the read-ahead window grows to at least
/// one full batch, so <c>maxMessagesCount</c> can be reached whatever <c>concurrency</c> and <c>queueDepth</c> say.</item>
/// <item>Failure: a failing event is dead-lettered when the subscription has a dead-letter topic, else kept pending
/// and tried again after <c>redeliverInterval</c>; it holds up only its own key.</item>
/// </list>
/// </summary>
internal sealed partial class SubscriptionPump(
    IPubSub broker, string pubsubInstanceId, string topic, string group, Func<IReadOnlyList<SubscriberLease>> leases, PubSubDeliveryClient client, ILogger logger,
    int bulkMaxMessages = 0, TimeSpan bulkMaxAwait = default)
{
    private static readonly TimeSpan IdlePollMax = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan NoSubscriberWait = TimeSpan.FromMilliseconds(200);

    private readonly int _windowSize = Math.Max(broker.Settings.QueueDepth, bulkMaxMessages);
    private readonly SemaphoreSlim _window = new(Math.Max(broker.Settings.QueueDepth, bulkMaxMessages), Math.Max(broker.Settings.QueueDepth, bulkMaxMessages));
    private readonly SemaphoreSlim _inFlight = new(broker.Settings.Concurrency, broker.Settings.Concurrency);
    private BulkBatcher? _batcher;
    private readonly Dictionary<string, Queue<ReceivedMessage>> _lanes = new(StringComparer.Ordinal);
    private int _nextInstance;

    public async Task RunAsync(CancellationToken ct)
    {
        if (bulkMaxMessages > 0) _batcher = new BulkBatcher(bulkMaxMessages, bulkMaxAwait, _inFlight, client);
        string? pendingAfter = null;
        var recovering = true;
        var idle = TimeSpan.FromMilliseconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (leases().Count == 0)
                {
                    await Task.Delay(NoSubscriberWait, ct).ConfigureAwait(false);
                    continue;
                }
                await _window.WaitAsync(ct).ConfigureAwait(false);
                var free = 1;
                while (free < Math.Min(_windowSize, Math.Max(100, bulkMaxMessages)) && _window.Wait(0)) free++;
                var published = TopicSignals.Next(pubsubInstanceId, topic); // before reading: a publish during the read wakes us
                IReadOnlyList<ReceivedMessage> batch;
                try
                {
                    batch = recovering
                        ? await broker.ReadPendingAsync(topic, group, pendingAfter, free, ct).ConfigureAwait(false)
                        : await broker.ReadNewAsync(topic, group, free, ct).ConfigureAwait(false);
                }
                catch
                {
                    _window.Release(free); // nothing was taken into lanes: give the whole window back
                    throw;
                }
                if (free > batch.Count) _window.Release(free - batch.Count);
                if (recovering)
                {
                    // Only an empty page ends recovery: a page may come back short when the broker dropped trimmed entries.
                    if (batch.Count > 0) pendingAfter = batch[^1].Id;
                    else recovering = false;
                }
                foreach (var m in batch) Enqueue(m, ct);
                if (batch.Count == 0 && !recovering)
                {
                    await Task.WhenAny(published, Task.Delay(idle, ct)).ConfigureAwait(false);
                    ct.ThrowIfCancellationRequested();
                    idle = TimeSpan.FromTicks(Math.Min(IdlePollMax.Ticks, idle.Ticks * 2));
                }
                else idle = TimeSpan.FromMilliseconds(1);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogReadFailed(topic, group, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
    }

    private void Enqueue(ReceivedMessage message, CancellationToken ct)
    {
        var lane = message.PartitionKey ?? "\0" + message.Id;
        lock (_lanes)
        {
            if (_lanes.TryGetValue(lane, out var queue))
            {
                queue.Enqueue(message);
                return;
            }
            _lanes[lane] = new Queue<ReceivedMessage>([message]);
        }
        _ = Task.Run(() => RunLaneAsync(lane, ct), CancellationToken.None);
    }

    private async Task RunLaneAsync(string lane, CancellationToken ct)
    {
        while (true)
        {
            ReceivedMessage next;
            lock (_lanes)
            {
                var queue = _lanes[lane];
                if (queue.Count == 0 || ct.IsCancellationRequested)
                {
                    _lanes.Remove(lane);
                    return;
                }
                next = queue.Peek();
            }
            try
            {
                await ProcessAsync(next, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // left pending in the broker: the next activation delivers it again
            }
            catch (Exception ex)
            {
                LogProcessFailed(topic, group, next.Id, ex.Message);
            }
            lock (_lanes) _lanes[lane].Dequeue();
            _window.Release();
        }
    }

    private async Task ProcessAsync(ReceivedMessage message, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var live = leases();
            if (live.Count == 0)
            {
                await Task.Delay(NoSubscriberWait, ct).ConfigureAwait(false);
                continue;
            }
            var to = live[(int)((uint)Interlocked.Increment(ref _nextInstance) % (uint)live.Count)];
            DeliveryOutcome outcome;
            var single = _batcher is null; // a batch takes its in-flight slot itself
            if (single) await _inFlight.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                outcome = single
                    ? await client.DeliverAsync(to, message.Data, ct).ConfigureAwait(false)
                    : await _batcher!.SubmitAsync(message, to, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // The instance is gone or not answering: not the event's fault, so it goes to another instance and no
                // dead letter is written. Its lease runs out within seconds if it is really gone.
                LogInstanceUnreachable(to.InstanceId, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
                continue;
            }
            finally
            {
                if (single) _inFlight.Release();
            }

            if (outcome == DeliveryOutcome.Success)
            {
                await broker.AckAsync(topic, group, message.Id, ct).ConfigureAwait(false);
                return;
            }
            if (to.DeadLetterTopic is { } deadLetter)
            {
                // Published before the ack: a crash in between sends it twice, never loses it.
                await broker.PublishAsync(deadLetter, new BrokerMessage(message.Data, message.PartitionKey), ct).ConfigureAwait(false);
                TopicSignals.Raise(pubsubInstanceId, deadLetter);
                LogDeadLettered(topic, message.Id, deadLetter, outcome.ToString());
                await broker.AckAsync(topic, group, message.Id, ct).ConfigureAwait(false);
                return;
            }
            if (outcome == DeliveryOutcome.Drop)
            {
                await broker.AckAsync(topic, group, message.Id, ct).ConfigureAwait(false);
                return;
            }
            var wait = broker.Settings.RedeliverInterval;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: reading topic {Topic} for {Group} failed, trying again: {Error}")]
    private partial void LogReadFailed(string topic, string group, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: event {Id} of topic {Topic} for {Group} could not be processed and stays pending: {Error}")]
    private partial void LogProcessFailed(string topic, string group, string id, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pub/sub: app instance {Instance} did not answer, delivering to another: {Error}")]
    private partial void LogInstanceUnreachable(string instance, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: event {Id} of topic {Topic} sent to dead-letter topic {DeadLetter} ({Outcome})")]
    private partial void LogDeadLettered(string topic, string id, string deadLetter, string outcome);
}
