using ActorRuntime.Components;
using ActorRuntime.Components.PubSub;
using Orleans.Concurrency;

namespace ActorRuntime.Grains.PubSub;

[StatelessWorker]
public sealed class PubSubPublisherGrain(ComponentCatalog components) : Grain, IPubSubPublisherGrain
{
    public async Task Publish(string topic, byte[] data, string? partitionKey, CancellationToken cancellationToken)
    {
        var instanceId = this.GetPrimaryKeyString();
        await components.GetPubSub(instanceId).PublishAsync(topic, new BrokerMessage(data, partitionKey), cancellationToken);
        TopicSignals.Raise(instanceId, topic);
    }
}
