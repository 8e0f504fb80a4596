using ActorRuntime.Components;
using ActorRuntime.Components.PubSub;
using Orleans.Concurrency;

namespace ActorRuntime.Grains.PubSub;

[StatelessWorker]
public sealed class PubSubPublisherGrain(ComponentCatalog components) : Grain, IPubSubPublisherGrain
{
    public Task Publish(string topic, byte[] data, string? partitionKey, CancellationToken cancellationToken) =>
        components.GetPubSub(this.GetPrimaryKeyString()).PublishAsync(topic, new BrokerMessage(data, partitionKey), cancellationToken);
}
