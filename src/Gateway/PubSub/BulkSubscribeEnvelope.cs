using System.Buffers;
using System.Text.Json;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// The JSON daprd POSTs to a bulk subscriber's route (<c>application/json</c>):
/// <c>{id, type: "com.dapr.event.sent.bulk", topic, pubsubname, metadata: {pubsubName}, entries: [{entryId, event,
/// metadata, contentType}]}</c>; <c>event</c> is the CloudEvent object, or for a raw subscription the broker's bytes in
/// base64 with <c>application/octet-stream</c>. The app answers <c>{"statuses": [{"entryId", "status"}]}</c>.
/// </summary>
internal static class BulkSubscribeEnvelope
{
    public const string EventType = "com.dapr.event.sent.bulk";

    /// <summary>One entry: its id, and either the CloudEvent (a JSON object) or raw bytes.</summary>
    public sealed record Entry(string EntryId, JsonElement? CloudEvent, byte[]? Raw);

    public static byte[] Write(string topic, string pubsubName, IEnumerable<Entry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", Guid.NewGuid().ToString());
            w.WriteStartArray("entries");
            foreach (var e in entries)
            {
                w.WriteStartObject();
                w.WriteString("entryId", e.EntryId);
                w.WritePropertyName("event");
                if (e.CloudEvent is { } ce) ce.WriteTo(w);
                else w.WriteBase64StringValue(e.Raw ?? []);
                w.WriteStartObject("metadata");
                w.WriteEndObject();
                w.WriteString("contentType", e.CloudEvent is null ? "application/octet-stream" : CloudEventEnvelope.ContentType);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("metadata");
            w.WriteString("pubsubName", pubsubName);
            w.WriteEndObject();
            w.WriteString("pubsubname", pubsubName);
            w.WriteString("topic", topic);
            w.WriteString("type", EventType);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The app's per-entry statuses, upper-cased, by entry id; null when the body is not such a reply (daprd then retries
    /// every entry). Entries the reply does not name are absent: they are retried, as in daprd.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? ReadStatuses(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("statuses", out var statuses)
                || statuses.ValueKind != JsonValueKind.Array) return null;
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var s in statuses.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.Object) continue;
                var id = s.TryGetProperty("entryId", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
                var status = s.TryGetProperty("status", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : null;
                if (id is not null) result[id] = (status ?? "").ToUpperInvariant();
            }
            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
