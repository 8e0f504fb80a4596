namespace ActorRuntime.Grains.PubSub;

/// <summary>
/// Publishes to one pub/sub component (key: its instance id) on a silo that has it connected. A stateless worker, so
/// a publish runs on the silo that takes it (in <c>actorrt run</c>, the gateway's own process) with no routing.
/// </summary>
[Alias("actorrt.IPubSubPublisherGrain")]
public interface IPubSubPublisherGrain : IGrainWithStringKey
{
    /// <summary>Returns once the broker holds the message. Errors surface as exceptions with the broker's message.</summary>
    [Alias("publish")]
    Task Publish(string topic, byte[] data, string? partitionKey, CancellationToken cancellationToken = default);
}
