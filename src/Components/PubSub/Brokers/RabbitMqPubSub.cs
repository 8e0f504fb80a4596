using System.Collections.Concurrent;
using System.Globalization;
using ActorRuntime.Components.Model;
using RabbitMQ.Client;

namespace ActorRuntime.Components.PubSub.Brokers;

/// <summary>
/// <c>pubsub.rabbitmq</c>, laid out as Dapr's component: one exchange per topic (named after it, <c>exchangeKind</c>,
/// fanout by default), one queue per consumer group named <c>{group}-{topic}</c> bound to it. RabbitMQ is a queue, not
/// a log, so <see cref="IPubSub"/> maps onto it this way:
/// <list type="bullet">
/// <item>Publish: <c>basic.publish</c> with publisher confirms; it returns once the broker confirmed the message.</item>
/// <item>ReadNew: messages the group's consumer (one channel per topic and group, <c>prefetchCount</c>) was given
/// and nobody has read yet; they become pending.</item>
/// <item>Pending: messages read but not acknowledged, held unacknowledged on the channel. After a crash the broker
/// requeues them when the channel closes, and they come back through ReadNew (at least once). After a lost connection
/// the same happens; ids from before it are ignored by Ack, because their delivery tags died with the channel.</item>
/// <item>Ack: <c>basic.ack</c>. With <c>autoAck: true</c> the broker forgets a message on delivery (Dapr's at-most-once).</item>
/// <item>A group's queue exists from its first read on; messages published before that are not kept for it (RabbitMQ
/// drops what no queue is bound to, as with daprd).</item>
/// </list>
/// </summary>
public sealed class RabbitMqPubSub : IPubSub
{
    private const string PartitionKeyHeader = "partitionKey";

    private readonly RabbitMqPubSubOptions _options;
    private readonly ConcurrentDictionary<string, Task> _exchanges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Topic, string Group), Lazy<Task<RabbitMqGroupConsumer>>> _consumers = new();
    private readonly SemaphoreSlim _publishLock = new(1, 1);
    private IConnection? _connection;
    private IChannel? _publisher;

    public RabbitMqPubSub(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        var metadata = definition.GetMetadata();
        _options = RabbitMqPubSubOptions.FromMetadata(metadata);
        Settings = PubSubSettings.FromMetadata(metadata);
    }

    public string Name { get; }
    public string Type { get; }
    public PubSubSettings Settings { get; }

    private IConnection Connection => _connection ?? throw new InvalidOperationException($"pubsub '{Name}' is not initialised");

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null) return;
        var factory = new ConnectionFactory { Uri = _options.Uri, ClientProvidedName = "actorrt-pubsub-" + Name, AutomaticRecoveryEnabled = true };
        _connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        _publisher = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken)
    {
        await EnsureExchangeAsync(topic, cancellationToken).ConfigureAwait(false);
        var id = Guid.NewGuid().ToString("N");
        var properties = new BasicProperties { MessageId = id };
        if (_options.DeliveryMode is 1 or 2) properties.DeliveryMode = (DeliveryModes)_options.DeliveryMode;
        if (_options.TtlSeconds is { } ttl) properties.Expiration = (ttl * 1000L).ToString(CultureInfo.InvariantCulture);
        if (message.PartitionKey is not null) properties.Headers = new Dictionary<string, object?> { [PartitionKeyHeader] = message.PartitionKey };
        // One publisher channel, one publish at a time: the confirm that BasicPublishAsync awaits is the 204 promise.
        await _publishLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await _publisher!.BasicPublishAsync(topic, "", mandatory: false, properties, message.Data, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && _publisher is { IsOpen: false })
            {
                // The exchange went away (auto-deleted with its last queue) and took the channel with it: declare it
                // again on a new channel and publish once more.
                _exchanges.TryRemove(topic, out _);
                _publisher = await Connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                    cancellationToken).ConfigureAwait(false);
                await EnsureExchangeAsync(topic, cancellationToken).ConfigureAwait(false);
                await _publisher.BasicPublishAsync(topic, "", mandatory: false, properties, message.Data, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _publishLock.Release();
        }
        return id;
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReadPendingAsync(string topic, string group, string? afterId, int count, CancellationToken cancellationToken) =>
        (await ConsumerAsync(topic, group, cancellationToken).ConfigureAwait(false)).Pending(afterId, count);

    public async Task<IReadOnlyList<ReceivedMessage>> ReadNewAsync(string topic, string group, int count, CancellationToken cancellationToken) =>
        await (await ConsumerAsync(topic, group, cancellationToken).ConfigureAwait(false)).TakeNewAsync(count, cancellationToken).ConfigureAwait(false);

    public async Task AckAsync(string topic, string group, string messageId, CancellationToken cancellationToken) =>
        await (await ConsumerAsync(topic, group, cancellationToken).ConfigureAwait(false)).AckAsync(messageId, cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _consumers.Values.Where(c => c.IsValueCreated && c.Value.IsCompletedSuccessfully))
            await c.Value.Result.DisposeAsync().ConfigureAwait(false);
        _consumers.Clear();
        if (_publisher is not null) await _publisher.DisposeAsync().ConfigureAwait(false);
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
        _publisher = null;
        _connection = null;
        _publishLock.Dispose();
    }

    /// <summary>The partition key a publisher set, from the message headers (strings arrive as bytes).</summary>
    internal static string? PartitionKeyOf(IReadOnlyBasicProperties properties) =>
        properties.Headers is { } h && h.TryGetValue(PartitionKeyHeader, out var v)
            ? v switch { byte[] b => System.Text.Encoding.UTF8.GetString(b), string s => s, _ => null }
            : null;

    private Task EnsureExchangeAsync(string topic, CancellationToken ct)
    {
        var task = _exchanges.GetOrAdd(topic, t => DeclareExchangeAsync(t, ct));
        if (task.IsFaulted || task.IsCanceled) _exchanges.TryRemove(new(topic, task));
        return task;
    }

    private async Task DeclareExchangeAsync(string topic, CancellationToken ct)
    {
        // A channel of its own: a declaration that fails (another kind already declared) closes its channel.
        await using var channel = await Connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(topic, _options.ExchangeKind, _options.Durable, _options.DeleteWhenUnused, cancellationToken: ct).ConfigureAwait(false);
    }

    private Task<RabbitMqGroupConsumer> ConsumerAsync(string topic, string group, CancellationToken ct)
    {
        var lazy = _consumers.GetOrAdd((topic, group), k => new Lazy<Task<RabbitMqGroupConsumer>>(() => StartConsumerAsync(k.Topic, k.Group, ct)));
        if (lazy.Value.IsFaulted || lazy.Value.IsCanceled) _consumers.TryRemove(new((topic, group), lazy));
        return lazy.Value;
    }

    private async Task<RabbitMqGroupConsumer> StartConsumerAsync(string topic, string group, CancellationToken ct)
    {
        await EnsureExchangeAsync(topic, ct).ConfigureAwait(false);
        var arguments = new Dictionary<string, object?>();
        if (_options.MaxLen is { } maxLen) arguments["x-max-length"] = maxLen;
        if (_options.MaxLenBytes is { } maxBytes) arguments["x-max-length-bytes"] = maxBytes;
        var channel = await Connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
        var queue = $"{group}-{topic}";
        await channel.QueueDeclareAsync(queue, _options.Durable, exclusive: false, _options.DeleteWhenUnused, arguments, cancellationToken: ct).ConfigureAwait(false);
        await channel.QueueBindAsync(queue, topic, _options.ExchangeKind == "topic" ? "#" : "", cancellationToken: ct).ConfigureAwait(false);
        if (_options.PrefetchCount > 0) await channel.BasicQosAsync(0, _options.PrefetchCount, false, ct).ConfigureAwait(false);
        var consumer = new RabbitMqGroupConsumer(channel, _options.AutoAck);
        await channel.BasicConsumeAsync(queue, _options.AutoAck, consumer, ct).ConfigureAwait(false);
        return consumer;
    }
}
