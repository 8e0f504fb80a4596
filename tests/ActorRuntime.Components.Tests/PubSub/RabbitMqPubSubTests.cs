using System.Text;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Components.PubSub.Brokers;
using ActorRuntime.Components.Tests.State;

namespace ActorRuntime.Components.Tests.PubSub;

/// <summary>
/// Needs the RabbitMQ from <c>scripts/services.sh start</c> (or ACTORRT_TEST_RABBITMQ); fails when it is not there.
/// Dapr's layout: an exchange per topic, a queue <c>{group}-{topic}</c> per consumer group.
/// </summary>
public sealed class RabbitMqPubSubTests : PubSubBrokerContractTests
{
    public static string Rabbit => Environment.GetEnvironmentVariable("ACTORRT_TEST_RABBITMQ") is { Length: > 0 } v ? v : "amqp://guest:guest@127.0.0.1:5690";

    protected override bool KeepsMessagesForLateGroups => false;

    protected override IPubSub CreateBroker() => new RabbitMqPubSub(TestServers.Component("pubsub.rabbitmq", [("connectionString", Rabbit)]));

    [Fact]
    public async Task Unacknowledged_messages_come_back_to_the_next_consumer_after_the_first_one_dies()
    {
        // durable, kept queue: the second component (another process, after a crash) finds what the first held.
        (string, string)[] metadata = [("connectionString", Rabbit), ("durable", "true"), ("deletedWhenUnused", "false"), ("deliveryMode", "2")];
        var first = new RabbitMqPubSub(TestServers.Component("pubsub.rabbitmq", metadata));
        await first.InitAsync(Ct);
        await first.ReadNewAsync(Topic, "crash", 10, Ct); // creates and binds the group's queue
        for (var i = 0; i < 3; i++) await first.PublishAsync(Topic, new BrokerMessage(Encoding.UTF8.GetBytes("m" + i), "k"), Ct);
        var read = await first.ReadNewAsync(Topic, "crash", 10, Ct);
        Assert.Equal(3, read.Count);
        await first.AckAsync(Topic, "crash", read[0].Id, Ct);
        Assert.Equal(["m1", "m2"], (await first.ReadPendingAsync(Topic, "crash", null, 10, Ct)).Select(m => Encoding.UTF8.GetString(m.Data)));
        await first.DisposeAsync(); // the connection closes with m1 and m2 unacknowledged

        await using var second = new RabbitMqPubSub(TestServers.Component("pubsub.rabbitmq", metadata));
        await second.InitAsync(Ct);
        var again = await second.ReadNewAsync(Topic, "crash", 10, Ct);
        Assert.Equal(["m1", "m2"], again.Select(m => Encoding.UTF8.GetString(m.Data)));
        Assert.All(again, m => Assert.Equal("k", m.PartitionKey));
        foreach (var m in again) await second.AckAsync(Topic, "crash", m.Id, Ct);
        await using var cleanup = await new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(Rabbit) }.CreateConnectionAsync(Ct);
        await using var channel = await cleanup.CreateChannelAsync(cancellationToken: Ct);
        await channel.QueueDeleteAsync("crash-" + Topic, ifUnused: false, ifEmpty: false, cancellationToken: Ct);
        await channel.ExchangeDeleteAsync(Topic, cancellationToken: Ct);
    }

    [Theory]
    [InlineData("exchangeKind", "broadcast")]
    [InlineData("deliveryMode", "3")]
    [InlineData("connectionString", "http://127.0.0.1:5690")]
    public void Metadata_mistakes_name_the_field(string field, string value)
    {
        (string, string)[] metadata = field == "connectionString" ? [(field, value)] : [("connectionString", Rabbit), (field, value)];
        var e = Assert.Throws<ComponentConfigurationException>(() => new RabbitMqPubSub(TestServers.Component("pubsub.rabbitmq", metadata)));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void Hostname_username_and_password_make_the_address()
    {
        using var broker = new DisposeGuard(new RabbitMqPubSub(TestServers.Component("pubsub.rabbitmq",
            [("hostname", "127.0.0.1:5690"), ("username", "guest"), ("password", "guest")])));
        Assert.Equal("pubsub.rabbitmq", broker.PubSub.Type);
    }

    private sealed class DisposeGuard(IPubSub pubsub) : IDisposable
    {
        public IPubSub PubSub { get; } = pubsub;
        public void Dispose() => PubSub.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
