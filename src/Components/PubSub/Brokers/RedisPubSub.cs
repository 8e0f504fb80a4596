using System.Collections.Concurrent;
using ActorRuntime.Components.Model;
using StackExchange.Redis;

namespace ActorRuntime.Components.PubSub.Brokers;

/// <summary>
/// <c>pubsub.redis</c> on Redis Streams, laid out as Dapr's component does: one stream per topic (key = topic name),
/// the payload in field <c>data</c>, one consumer group per subscribing app id created at <c>0</c> (so a new group
/// sees what was published before it subscribed, within <c>maxLenApprox</c>). <c>XADD</c> has returned before the
/// publisher is answered; a message stays in the group's pending list until <c>XACK</c>, so a crash between reading
/// and acknowledging re-reads it from <c>0</c>.
/// </summary>
public sealed class RedisPubSub : IPubSub
{
    // One consumer name per group: a group is read by exactly one subscription grain at a time, and a fixed name means
    // a new activation after a crash finds the previous one's pending messages as its own.
    private const string ConsumerName = "actorrt";
    private const string DataField = "data";
    private const string PartitionKeyField = "partitionKey";

    private readonly RedisPubSubOptions _options;
    private readonly ConcurrentDictionary<(string Topic, string Group), Task> _groups = new();
    private ConnectionMultiplexer? _connection;

    public RedisPubSub(ComponentDefinition definition)
    {
        Name = definition.Name;
        Type = definition.Type;
        var metadata = definition.GetMetadata();
        _options = RedisPubSubOptions.FromMetadata(metadata);
        Settings = PubSubSettings.FromMetadata(metadata);
    }

    public string Name { get; }
    public string Type { get; }
    public PubSubSettings Settings { get; }

    private IDatabase Database => (_connection ?? throw new InvalidOperationException($"pubsub '{Name}' is not initialised")).GetDatabase();

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null) return;
        _connection = await ConnectionMultiplexer.ConnectAsync(_options.Connection.Clone()).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async Task<string> PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken)
    {
        NameValueEntry[] fields = message.PartitionKey is null
            ? [new(DataField, message.Data)]
            : [new(DataField, message.Data), new(PartitionKeyField, message.PartitionKey)];
        var id = await Database.StreamAddAsync(topic, fields, maxLength: _options.MaxLenApprox, useApproximateMaxLength: true).ConfigureAwait(false);
        return id.ToString();
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReadPendingAsync(string topic, string group, string? afterId, int count, CancellationToken cancellationToken)
    {
        await EnsureGroupAsync(topic, group).ConfigureAwait(false);
        var entries = await Database.StreamReadGroupAsync(topic, group, ConsumerName, afterId ?? "0", count).ConfigureAwait(false);
        // A pending entry trimmed by MAXLEN comes back with no fields: nothing is left to deliver, so it is let go.
        var trimmed = entries.Where(e => e.Values is null || e.Values.Length == 0).Select(e => e.Id).ToArray();
        if (trimmed.Length > 0) await Database.StreamAcknowledgeAsync(topic, group, trimmed).ConfigureAwait(false);
        return Convert(entries);
    }

    public async Task<IReadOnlyList<ReceivedMessage>> ReadNewAsync(string topic, string group, int count, CancellationToken cancellationToken)
    {
        await EnsureGroupAsync(topic, group).ConfigureAwait(false);
        var entries = await Database.StreamReadGroupAsync(topic, group, ConsumerName, StreamPosition.NewMessages, count).ConfigureAwait(false);
        return Convert(entries);
    }

    public Task AckAsync(string topic, string group, string messageId, CancellationToken cancellationToken) =>
        Database.StreamAcknowledgeAsync(topic, group, messageId);

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
        _connection = null;
    }

    private static List<ReceivedMessage> Convert(StreamEntry[] entries)
    {
        var result = new List<ReceivedMessage>(entries.Length);
        foreach (var e in entries)
        {
            if (e.IsNull || e.Values is null || e.Values.Length == 0) continue;
            var data = e[DataField];
            var key = e[PartitionKeyField];
            result.Add(new ReceivedMessage(e.Id.ToString(), data.IsNull ? [] : (byte[])data!, key.IsNull ? null : key.ToString()));
        }
        return result;
    }

    private Task EnsureGroupAsync(string topic, string group)
    {
        var task = _groups.GetOrAdd((topic, group), k => CreateGroupAsync(k.Topic, k.Group));
        if (task.IsFaulted) _groups.TryRemove(new((topic, group), task));
        return task;
    }

    private async Task CreateGroupAsync(string topic, string group)
    {
        try
        {
            await Database.StreamCreateConsumerGroupAsync(topic, group, "0", createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // created earlier, by this process or another
        }
    }
}
