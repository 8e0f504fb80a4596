using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.PubSub;

/// <summary>
/// Delivery settings every pub/sub type reads from its metadata with Dapr's names: <c>consumerID</c> (the consumer
/// group; default the subscribing app id), <c>concurrency</c> (events in flight per subscription),
/// <c>queueDepth</c> (events read ahead), <c>redeliverInterval</c> (how long a failed event waits before it is tried
/// again when no dead-letter topic takes it).
/// </summary>
public sealed record PubSubSettings(string? ConsumerId, int Concurrency, int QueueDepth, TimeSpan RedeliverInterval, TimeSpan ProcessingTimeout)
{
    public static PubSubSettings Default { get; } = new(null, 10, 100, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60));

    public static PubSubSettings FromMetadata(ComponentMetadata metadata)
    {
        var consumerId = metadata.GetString("consumerID");
        var concurrency = metadata.GetInt("concurrency", Default.Concurrency, min: 1, max: 10_000);
        var queueDepth = metadata.GetInt("queueDepth", Default.QueueDepth, min: 1, max: 100_000);
        var redeliver = metadata.GetDuration("redeliverInterval") ?? Default.RedeliverInterval;
        if (redeliver < TimeSpan.Zero) throw metadata.Error("redeliverInterval", "must not be negative");
        // Dapr: 0 turns redelivery off. Here a failed event is always retried (nothing is lost), so 0 means "at once".
        var processing = metadata.GetDuration("processingTimeout") ?? Default.ProcessingTimeout;
        if (processing < TimeSpan.Zero) throw metadata.Error("processingTimeout", "must not be negative");
        return new PubSubSettings(string.IsNullOrWhiteSpace(consumerId) ? null : consumerId.Trim(), concurrency, queueDepth, redeliver, processing);
    }

    /// <summary>The consumer group of <paramref name="appId"/>: <c>consumerID</c> with Dapr's <c>{appID}</c>/<c>{namespace}</c> templates, or the app id.</summary>
    public string GroupFor(string appId, string? ns = null) =>
        ConsumerId is null ? appId : ConsumerId.Replace("{appID}", appId, StringComparison.Ordinal).Replace("{namespace}", ns ?? "", StringComparison.Ordinal);
}
