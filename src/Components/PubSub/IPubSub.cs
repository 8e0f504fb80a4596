namespace ActorRuntime.Components.PubSub;

/// <summary>
/// A Dapr pub/sub component, seen as a durable log per topic with consumer groups: every group (an app id, or
/// <c>consumerID</c>) reads each message once; a message read but not acknowledged stays pending for its group and is
/// read again (<see cref="ReadPendingAsync"/>) after a crash. Delivery, ordering and retries live above this contract
/// (in the subscription grains); the broker only has to keep messages and positions.
/// </summary>
public interface IPubSub : Model.IComponent
{
    string Name { get; }
    /// <summary>Dapr component type, e.g. <c>pubsub.redis</c>.</summary>
    string Type { get; }
    PubSubSettings Settings { get; }

    /// <summary>Appends the message; when this returns, the broker holds it (what a 204 to the publisher promises).</summary>
    Task<string> PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken);

    /// <summary>Messages this group has been given but not acknowledged, oldest first, after <paramref name="afterId"/> (null: from the start).</summary>
    Task<IReadOnlyList<ReceivedMessage>> ReadPendingAsync(string topic, string group, string? afterId, int count, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="count"/> messages the group has never been given; they become pending.</summary>
    Task<IReadOnlyList<ReceivedMessage>> ReadNewAsync(string topic, string group, int count, CancellationToken cancellationToken);

    /// <summary>Marks a message done for the group; it is never read again by it.</summary>
    Task AckAsync(string topic, string group, string messageId, CancellationToken cancellationToken);
}

/// <summary>What is stored per message: the bytes (a CloudEvent, or a raw payload) and the partition key that orders it.</summary>
public sealed record BrokerMessage(byte[] Data, string? PartitionKey);

/// <summary>A message as a consumer group reads it; <see cref="Id"/> is the broker's position (ordered per topic).</summary>
public sealed record ReceivedMessage(string Id, byte[] Data, string? PartitionKey);
