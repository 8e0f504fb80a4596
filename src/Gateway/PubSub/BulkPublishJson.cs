using System.Buffers;
using System.Text;
using System.Text.Json;
using ActorRuntime.Gateway.Errors;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// The bulk publish body (<c>[{entryId, event, contentType, metadata}]</c>) and its failure answer
/// (<c>{"failedEntries":[{entryId, error}], "errorCode":"ERR_PUBSUB_PUBLISH_MESSAGE"}</c>).
/// </summary>
internal static class BulkPublishJson
{
    /// <summary>The entries; a JSON <c>event</c> is kept as its JSON text, a string event as the string's bytes.</summary>
    public static IReadOnlyList<PubSubService.BulkEntry> Parse(byte[] body, string topic, string pubsub)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw DaprErrors.PubSubEventsSer(topic, pubsub, e.Message).ToException();
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw DaprErrors.PubSubEventsSer(topic, pubsub, "the body must be a JSON array of entries").ToException();
            var result = new List<PubSubService.BulkEntry>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) throw DaprErrors.PubSubEventsSer(topic, pubsub, "every entry must be an object").ToException();
                var id = e.TryGetProperty("entryId", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : "";
                var contentType = e.TryGetProperty("contentType", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                byte[] data = !e.TryGetProperty("event", out var ev) ? []
                    : ev.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(ev.GetString()!)
                    : Encoding.UTF8.GetBytes(ev.GetRawText());
                var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                if (e.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object)
                    foreach (var p in m.EnumerateObject()) metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                result.Add(new PubSubService.BulkEntry(id, data, contentType, metadata));
            }
            return result;
        }
    }

    public static byte[] Failure(IReadOnlyList<PubSubService.FailedEntry> failed)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("failedEntries");
            foreach (var f in failed)
            {
                w.WriteStartObject();
                w.WriteString("entryId", f.EntryId);
                w.WriteString("error", f.Error);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("errorCode", "ERR_PUBSUB_PUBLISH_MESSAGE");
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
