using System.Text;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Components.PubSub.Brokers;
using ActorRuntime.Components.Tests.State;

namespace ActorRuntime.Components.Tests.PubSub;

/// <summary>
/// What every broker must do for the subscription grains: a group reads each message once, in publish order; what it
/// read but did not acknowledge is read again from its pending list (the crash case); groups are independent (fan-out).
/// </summary>
public abstract class PubSubBrokerContractTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    protected CancellationToken Ct => _timeout.Token;
    protected IPubSub Broker { get; private set; } = null!;
    protected string Topic { get; } = "contract-" + Guid.NewGuid().ToString("N")[..10];

    protected abstract IPubSub CreateBroker();

    /// <summary>False for brokers that keep messages only for queues bound when they were published (RabbitMQ).</summary>
    protected virtual bool KeepsMessagesForLateGroups => true;

    public async Task InitializeAsync()
    {
        Broker = CreateBroker();
        await Broker.InitAsync(Ct);
    }

    public virtual async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        _timeout.Dispose();
    }

    private Task PublishAsync(string text, string? key = null) => Broker.PublishAsync(Topic, new BrokerMessage(Encoding.UTF8.GetBytes(text), key), Ct);

    private static string[] Texts(IEnumerable<ReceivedMessage> messages) => [.. messages.Select(m => Encoding.UTF8.GetString(m.Data))];

    [Fact]
    public async Task A_group_reads_each_message_once_in_publish_order_with_its_partition_key()
    {
        await Broker.ReadNewAsync(Topic, "g", 10, Ct); // creates the group
        for (var i = 0; i < 5; i++) await PublishAsync("m" + i, i % 2 == 0 ? "even" : null);

        var first = await Broker.ReadNewAsync(Topic, "g", 3, Ct);
        var second = await Broker.ReadNewAsync(Topic, "g", 10, Ct);

        Assert.Equal(["m0", "m1", "m2"], Texts(first));
        Assert.Equal(["m3", "m4"], Texts(second));
        Assert.Equal(["even", null, "even"], first.Select(m => m.PartitionKey).ToArray());
        Assert.Empty(await Broker.ReadNewAsync(Topic, "g", 10, Ct));
    }

    [Fact]
    public async Task Unacknowledged_messages_are_pending_until_acked_and_page_by_id()
    {
        await Broker.ReadNewAsync(Topic, "g", 10, Ct);
        for (var i = 0; i < 4; i++) await PublishAsync("m" + i);
        var read = await Broker.ReadNewAsync(Topic, "g", 10, Ct);
        await Broker.AckAsync(Topic, "g", read[1].Id, Ct);

        var pending = await Broker.ReadPendingAsync(Topic, "g", null, 10, Ct);
        Assert.Equal(["m0", "m2", "m3"], Texts(pending));
        var page = await Broker.ReadPendingAsync(Topic, "g", pending[0].Id, 1, Ct);
        Assert.Equal(["m2"], Texts(page));

        foreach (var m in pending) await Broker.AckAsync(Topic, "g", m.Id, Ct);
        Assert.Empty(await Broker.ReadPendingAsync(Topic, "g", null, 10, Ct));
    }

    [Fact]
    public async Task Every_group_gets_every_message()
    {
        await Broker.ReadNewAsync(Topic, "a", 10, Ct);
        await Broker.ReadNewAsync(Topic, "b", 10, Ct);
        await PublishAsync("x");
        await PublishAsync("y");

        var a = await Broker.ReadNewAsync(Topic, "a", 10, Ct);
        await Broker.AckAsync(Topic, "a", a[0].Id, Ct);
        var b = await Broker.ReadNewAsync(Topic, "b", 10, Ct);

        Assert.Equal(["x", "y"], Texts(a));
        Assert.Equal(["x", "y"], Texts(b));
    }

    [Fact]
    public async Task A_group_created_after_publishing_still_reads_what_was_kept()
    {
        if (!KeepsMessagesForLateGroups) return;
        await PublishAsync("before");
        Assert.Equal(["before"], Texts(await Broker.ReadNewAsync(Topic, "late", 10, Ct)));
    }
}

public sealed class InMemoryPubSubTests : PubSubBrokerContractTests
{
    protected override IPubSub CreateBroker() => new InMemoryPubSub(TestServers.Component("pubsub.in-memory", []));
}

public sealed class SqlitePubSubTests : PubSubBrokerContractTests, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "actorrt-pubsub-" + Guid.NewGuid().ToString("N") + ".sqlite");

    protected override IPubSub CreateBroker() => new SqlitePubSub(TestServers.Component("pubsub.sqlite", [("connectionString", _file)]));

    public void Dispose()
    {
        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" }) File.Delete(f);
    }

    [Fact]
    public async Task Two_components_on_one_file_see_one_log_as_two_processes_would()
    {
        await using var other = new SqlitePubSub(TestServers.Component("pubsub.sqlite", [("connectionString", _file)]));
        await other.InitAsync(Ct);
        await Broker.PublishAsync(Topic, new BrokerMessage("shared"u8.ToArray(), "k"), Ct);
        var read = await other.ReadNewAsync(Topic, "g", 10, Ct);
        Assert.Equal("shared", System.Text.Encoding.UTF8.GetString(Assert.Single(read).Data));
        Assert.Empty(await Broker.ReadNewAsync(Topic, "g", 10, Ct));
        Assert.Single(await Broker.ReadPendingAsync(Topic, "g", null, 10, Ct));
    }
}

/// <summary>Needs the Redis from <c>scripts/services.sh start</c> (or ACTORRT_TEST_REDIS); fails when it is not there.</summary>
public sealed class RedisPubSubTests : PubSubBrokerContractTests
{
    protected override IPubSub CreateBroker() => new RedisPubSub(TestServers.Component("pubsub.redis", [("redisHost", TestServers.Redis)]));

    public override async Task DisposeAsync()
    {
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestServers.Redis))
            await redis.GetDatabase().KeyDeleteAsync(Topic);
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Layout_is_Daprs_one_stream_per_topic_with_the_payload_in_data()
    {
        await Broker.PublishAsync(Topic, new BrokerMessage("hello"u8.ToArray(), null), Ct);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var entries = await redis.GetDatabase().StreamRangeAsync(Topic);
        Assert.Single(entries);
        Assert.Equal("hello", (string?)entries[0]["data"]);
    }

    [Fact]
    public async Task MaxLenApprox_trims_the_stream()
    {
        await using var trimmed = new RedisPubSub(TestServers.Component("pubsub.redis", [("redisHost", TestServers.Redis), ("maxLenApprox", "10")]));
        await trimmed.InitAsync(Ct);
        for (var i = 0; i < 500; i++) await trimmed.PublishAsync(Topic, new BrokerMessage([(byte)i], null), Ct);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        Assert.True(await redis.GetDatabase().StreamLengthAsync(Topic) < 500);
    }
}
