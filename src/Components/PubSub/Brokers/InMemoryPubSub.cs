using System.Globalization;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.PubSub.Brokers;

/// <summary>
/// <c>pubsub.in-memory</c>: each topic is a list in this process with a cursor and a pending set per consumer group,
/// the same contract as the Redis broker. Not durable, as in Dapr; apps in other processes do not see its events.
/// Acknowledged messages that every known group has passed are trimmed, so a long run does not grow without bound.
/// </summary>
public sealed class InMemoryPubSub(ComponentDefinition definition) : IPubSub
{
    private readonly Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);

    public string Name { get; } = definition.Name;
    public string Type { get; } = definition.Type;
    public PubSubSettings Settings { get; } = PubSubSettings.FromMetadata(definition.GetMetadata());

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string> PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken)
    {
        lock (_topics)
        {
            var t = GetTopic(topic);
            var seq = t.Offset + t.Messages.Count;
            var id = seq.ToString(CultureInfo.InvariantCulture);
            t.Messages.Add(new ReceivedMessage(id, message.Data, message.PartitionKey));
            return Task.FromResult(id);
        }
    }

    public Task<IReadOnlyList<ReceivedMessage>> ReadPendingAsync(string topic, string group, string? afterId, int count, CancellationToken cancellationToken)
    {
        lock (_topics)
        {
            var t = GetTopic(topic);
            var g = GetGroup(t, group);
            var after = afterId is null ? -1 : long.Parse(afterId, CultureInfo.InvariantCulture);
            IReadOnlyList<ReceivedMessage> result = [.. g.Pending.Where(p => p.Key > after).Select(p => p.Value).Take(count)];
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<ReceivedMessage>> ReadNewAsync(string topic, string group, int count, CancellationToken cancellationToken)
    {
        lock (_topics)
        {
            var t = GetTopic(topic);
            var g = GetGroup(t, group);
            var result = new List<ReceivedMessage>();
            while (result.Count < count && g.Next < t.Offset + t.Messages.Count)
            {
                var m = t.Messages[(int)(g.Next - t.Offset)];
                g.Pending[g.Next] = m;
                g.Next++;
                result.Add(m);
            }
            return Task.FromResult<IReadOnlyList<ReceivedMessage>>(result);
        }
    }

    public Task AckAsync(string topic, string group, string messageId, CancellationToken cancellationToken)
    {
        lock (_topics)
        {
            var t = GetTopic(topic);
            GetGroup(t, group).Pending.Remove(long.Parse(messageId, CultureInfo.InvariantCulture));
            Trim(t);
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Topic GetTopic(string topic)
    {
        if (!_topics.TryGetValue(topic, out var t)) _topics[topic] = t = new Topic();
        return t;
    }

    // A new group starts at the oldest message still kept, as Redis groups created at "0" do.
    private static Group GetGroup(Topic t, string group)
    {
        if (!t.Groups.TryGetValue(group, out var g)) t.Groups[group] = g = new Group { Next = t.Offset };
        return g;
    }

    private static void Trim(Topic t)
    {
        if (t.Groups.Count == 0) return;
        var low = t.Groups.Values.Min(g => g.Pending.Count > 0 ? Math.Min(g.Pending.Keys.First(), g.Next) : g.Next);
        var drop = (int)(low - t.Offset);
        if (drop < 1024) return; // trim in chunks: RemoveRange shifts the list
        t.Messages.RemoveRange(0, drop);
        t.Offset = low;
    }

    private sealed class Topic
    {
        public long Offset;
        public readonly List<ReceivedMessage> Messages = [];
        public readonly Dictionary<string, Group> Groups = new(StringComparer.Ordinal);
    }

    private sealed class Group
    {
        public long Next;
        public readonly SortedDictionary<long, ReceivedMessage> Pending = [];
    }
}
