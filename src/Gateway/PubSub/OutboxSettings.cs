using ActorRuntime.Components.Model;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Dapr's transactional outbox settings of a state store: <c>outboxPublishPubsub</c> and <c>outboxPublishTopic</c>
/// (both needed to turn it on), and two fields that are accepted but have nothing to do here, because the pending event
/// is written in the state transaction itself: <c>outboxPubsub</c> (daprd's coordination pub/sub) and
/// <c>outboxDiscardWhenMissingState</c> (daprd drops an internal message whose transaction marker is missing, i.e. whose
/// transaction did not commit; here such an event never exists).
/// </summary>
public sealed record OutboxSettings(string PublishPubSub, string PublishTopic, string? CoordinationPubSub, bool DiscardWhenMissingState)
{
    /// <summary>The settings, or null when the store has no outbox.</summary>
    /// <exception cref="ComponentConfigurationException">Only one of the two required fields is set.</exception>
    public static OutboxSettings? From(ComponentDefinition definition)
    {
        var m = definition.GetMetadata();
        var pubsub = m.GetString("outboxPublishPubsub");
        var topic = m.GetString("outboxPublishTopic");
        if (string.IsNullOrWhiteSpace(pubsub) && string.IsNullOrWhiteSpace(topic)) return null;
        if (string.IsNullOrWhiteSpace(pubsub)) throw m.Error("outboxPublishPubsub", "is required when outboxPublishTopic is set");
        if (string.IsNullOrWhiteSpace(topic)) throw m.Error("outboxPublishTopic", "is required when outboxPublishPubsub is set");
        return new OutboxSettings(pubsub.Trim(), topic.Trim(), m.GetString("outboxPubsub"), m.GetBool("outboxDiscardWhenMissingState", false));
    }
}
