using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorRuntime.Grains.PubSub.Outbox;

/// <summary>
/// An event waiting in a state store for the transactional outbox: written in the same store transaction as the state
/// it announces, published and deleted afterwards by <see cref="IOutboxGrain"/>. Its key (see <see cref="KeyPrefix"/>)
/// sorts in commit order, so the events of one state key are published in the order their transactions committed.
/// </summary>
public sealed record OutboxRecord(
    [property: JsonPropertyName("pubsub")] string PubSubInstanceId,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("stateKey")] string StateKey,
    [property: JsonPropertyName("event")] byte[] Event)
{
    /// <summary>Stored keys of outbox records start with this; app keys (<c>appid||key</c>) never do, nor do actor keys.</summary>
    public const string KeyPrefix = "actorrt-outbox||";

    private static long _sequence;

    /// <summary>A new record key: UTC ticks, a per-process sequence and a random tail, so keys sort by commit time and never collide.</summary>
    public static string NewKey() =>
        string.Concat(KeyPrefix, DateTime.UtcNow.Ticks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture), "-",
            (Interlocked.Increment(ref _sequence) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture), "-", Guid.NewGuid().ToString("N")[..8]);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this);

    /// <exception cref="JsonException">Not an outbox record.</exception>
    public static OutboxRecord Parse(byte[] data) => JsonSerializer.Deserialize<OutboxRecord>(data) ?? throw new JsonException("empty outbox record");
}
