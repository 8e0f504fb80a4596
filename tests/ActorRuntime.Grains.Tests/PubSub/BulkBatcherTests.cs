using ActorRuntime.Components.PubSub;
using ActorRuntime.Grains.PubSub;

namespace ActorRuntime.Grains.Tests.PubSub;

/// <summary>The batching of bulk subscriptions: a batch leaves full, or after the wait; each entry gets its own outcome.</summary>
public sealed class BulkBatcherTests : IDisposable
{
    private readonly string _instance = "bulk-test-" + Guid.NewGuid().ToString("N");
    private readonly RecordingChannel _channel = new();
    private readonly PubSubDeliveryClient _client = new();

    public BulkBatcherTests() => PubSubDeliveryClient.Register(_instance, _channel);

    public void Dispose()
    {
        PubSubDeliveryClient.Unregister(_instance);
        _client.Dispose();
    }

    private SubscriberLease Lease => new(_instance, "http://127.0.0.1:1", "pubsub", "t", null, TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(30));

    private static ReceivedMessage Message(int i) => new("id" + i, [(byte)i], null);

    [Fact]
    public async Task A_full_batch_leaves_at_once_and_each_entry_gets_its_status()
    {
        using var inFlight = new SemaphoreSlim(1, 1);
        var batcher = new BulkBatcher(3, TimeSpan.FromSeconds(30), inFlight, _client);
        _channel.Outcomes = e => e.EntryId == "id1" ? DeliveryOutcome.Retry : DeliveryOutcome.Success;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => batcher.SubmitAsync(Message(i), Lease, CancellationToken.None)))
            .WaitAsync(TimeSpan.FromSeconds(10)); // far less than the 30 s wait: the batch left because it was full

        Assert.Equal([DeliveryOutcome.Success, DeliveryOutcome.Retry, DeliveryOutcome.Success], outcomes);
        Assert.Equal([3], _channel.BatchSizes);
    }

    [Fact]
    public async Task A_partial_batch_leaves_after_maxAwaitDuration()
    {
        using var inFlight = new SemaphoreSlim(1, 1);
        var batcher = new BulkBatcher(100, TimeSpan.FromMilliseconds(300), inFlight, _client);
        var started = DateTime.UtcNow;

        var outcomes = await Task.WhenAll(batcher.SubmitAsync(Message(1), Lease, CancellationToken.None), batcher.SubmitAsync(Message(2), Lease, CancellationToken.None))
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(outcomes, o => Assert.Equal(DeliveryOutcome.Success, o));
        Assert.Equal([2], _channel.BatchSizes);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250), "the batch should wait for more entries first");
    }

    [Fact]
    public async Task An_unreachable_instance_fails_every_entry_of_the_batch_so_the_lanes_try_again()
    {
        using var inFlight = new SemaphoreSlim(1, 1);
        var batcher = new BulkBatcher(2, TimeSpan.FromSeconds(30), inFlight, _client);
        _channel.Fail = true;

        var a = batcher.SubmitAsync(Message(1), Lease, CancellationToken.None);
        var b = batcher.SubmitAsync(Message(2), Lease, CancellationToken.None);

        await Assert.ThrowsAsync<HttpRequestException>(() => a.WaitAsync(TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAsync<HttpRequestException>(() => b.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, inFlight.CurrentCount); // the batch's in-flight slot was given back
    }

    private sealed class RecordingChannel : IPubSubDeliveryChannel
    {
        public Func<BulkEntry, DeliveryOutcome> Outcomes { get; set; } = _ => DeliveryOutcome.Success;
        public bool Fail { get; set; }
        public List<int> BatchSizes { get; } = [];

        public Task<DeliveryOutcome> DeliverAsync(string pubsubName, string topic, byte[] data, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a bulk subscription delivers batches");

        public Task<IReadOnlyList<DeliveryOutcome>> DeliverBulkAsync(string pubsubName, string topic, IReadOnlyList<BulkEntry> entries, CancellationToken cancellationToken)
        {
            if (Fail) throw new HttpRequestException("instance gone");
            lock (BatchSizes) BatchSizes.Add(entries.Count);
            return Task.FromResult<IReadOnlyList<DeliveryOutcome>>([.. entries.Select(Outcomes)]);
        }
    }
}
