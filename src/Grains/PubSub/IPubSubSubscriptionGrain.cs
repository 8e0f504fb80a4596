namespace ActorRuntime.Grains.PubSub;

/// <summary>
/// The single consumer of one topic for one consumer group (by default one app id), key from
/// <see cref="PubSubGrainKeys.Subscription"/>. Orleans keeps one activation per key, so one reader takes the group's
/// events and can keep per-partition-key order; it hands each event to one of the app's live instances (competing
/// consumers), which gateways announce by renewing a lease every few seconds. The renewals also bring the grain back
/// after a crash: pending events are then read again first.
/// </summary>
[Alias("actorrt.IPubSubSubscriptionGrain")]
public interface IPubSubSubscriptionGrain : IGrainWithStringKey
{
    [Alias("renew")]
    Task Renew(SubscriberLease lease);

    [Alias("remove")]
    Task Remove(string instanceId);
}

/// <summary>
/// One app instance subscribed through its gateway: where to deliver (<see cref="Address"/>, the gateway's internal
/// port) and for how long. <see cref="BulkMaxMessages"/> &gt; 0 marks a bulk subscription: the grain then sends batches
/// of up to that many events, each leaving at that size or <see cref="BulkMaxAwait"/> after its first event.
/// </summary>
[GenerateSerializer, Immutable, Alias("actorrt.pubsub.lease")]
public sealed record SubscriberLease(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] string Address,
    [property: Id(2)] string PubSubName,
    [property: Id(3)] string Topic,
    [property: Id(4)] string? DeadLetterTopic,
    [property: Id(5)] TimeSpan Duration,
    [property: Id(6)] int BulkMaxMessages = 0,
    [property: Id(7)] TimeSpan BulkMaxAwait = default);
