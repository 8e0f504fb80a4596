using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// The CloudEvents 1.0 envelope daprd builds around a published payload (components-contrib <c>NewCloudEventsEnvelope</c>),
/// or completes when the app publishes its own CloudEvent (<c>application/cloudevents+json</c>), as JSON.
/// </summary>
internal static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";
    public const string EventType = "com.dapr.event.sent";
    public const string SpecVersion = "1.0";

    /// <summary>What goes into an envelope besides the payload.</summary>
    public sealed record Context(string Source, string Topic, string PubSubName, string TraceParent, string TraceState,
        DateTimeOffset Now, TimeSpan? Ttl, IReadOnlyDictionary<string, string> Overrides);

    public static bool IsCloudEvent(string? contentType) =>
        contentType is not null && contentType.Contains("cloudevents", StringComparison.OrdinalIgnoreCase) && contentType.Contains("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Wraps <paramref name="payload"/> of <paramref name="contentType"/> (text/plain when absent).</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> payload, string? contentType, Context c)
    {
        var type = string.IsNullOrEmpty(contentType) ? "text/plain" : contentType;
        var buffer = new ArrayBufferWriter<byte>(payload.Length + 512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("id", Override(c, "id") ?? Guid.NewGuid().ToString());
            w.WriteString("source", Override(c, "source") ?? c.Source);
            w.WriteString("type", Override(c, "type") ?? EventType);
            w.WriteString("specversion", SpecVersion);
            w.WriteString("datacontenttype", type);
            if (IsJson(type) && TryParseJson(payload, out var json))
            {
                w.WritePropertyName("data");
                json.WriteTo(w);
            }
            else if (IsBinary(type))
            {
                w.WriteBase64String("data_base64", payload);
            }
            else
            {
                w.WriteString("data", Encoding.UTF8.GetString(payload));
            }
            WriteCommon(w, c);
            if (Override(c, "subject") is { } subject) w.WriteString("subject", subject);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Completes an app's own CloudEvent: fills what is missing, always sets <c>topic</c> and <c>pubsubname</c>.</summary>
    /// <exception cref="FormatException">The body is not a JSON object.</exception>
    public static byte[] Complete(ReadOnlySpan<byte> body, Context c)
    {
        JsonObject ev;
        try
        {
            ev = JsonNode.Parse(body) as JsonObject ?? throw new FormatException("the CloudEvent must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"the CloudEvent is not valid JSON: {e.Message}");
        }
        SetIfMissing(ev, "id", Override(c, "id") ?? Guid.NewGuid().ToString());
        SetIfMissing(ev, "source", Override(c, "source") ?? c.Source);
        SetIfMissing(ev, "type", Override(c, "type") ?? EventType);
        SetIfMissing(ev, "specversion", SpecVersion);
        SetIfMissing(ev, "time", Rfc3339(c.Now));
        var traceparent = Override(c, "traceparent") ?? Override(c, "traceid") ?? c.TraceParent;
        SetIfMissing(ev, "traceparent", traceparent);
        SetIfMissing(ev, "traceid", traceparent);
        SetIfMissing(ev, "tracestate", Override(c, "tracestate") ?? c.TraceState);
        ev["topic"] = c.Topic;
        ev["pubsubname"] = c.PubSubName;
        if (c.Ttl is { } ttl) ev["expiration"] = Expiration(c.Now, ttl);
        var buffer = new ArrayBufferWriter<byte>(body.Length + 512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) ev.WriteTo(w);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// What a subscriber gets for broker bytes that are not a CloudEvent (a raw publish): daprd's wrapper with the bytes
    /// in <c>data_base64</c>, source <c>Dapr</c>.
    /// </summary>
    public static byte[] WrapRaw(ReadOnlySpan<byte> payload, string topic, string pubsubName)
    {
        var buffer = new ArrayBufferWriter<byte>(payload.Length * 4 / 3 + 256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("id", Guid.NewGuid().ToString());
            w.WriteString("specversion", SpecVersion);
            w.WriteString("datacontenttype", "application/octet-stream");
            w.WriteString("source", "Dapr");
            w.WriteString("type", EventType);
            w.WriteString("topic", topic);
            w.WriteString("pubsubname", pubsubName);
            w.WriteBase64String("data_base64", payload);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteCommon(Utf8JsonWriter w, Context c)
    {
        w.WriteString("topic", c.Topic);
        w.WriteString("pubsubname", c.PubSubName);
        var traceparent = Override(c, "traceparent") ?? Override(c, "traceid") ?? c.TraceParent;
        w.WriteString("traceid", Override(c, "traceid") ?? traceparent);
        w.WriteString("traceparent", traceparent);
        w.WriteString("tracestate", Override(c, "tracestate") ?? c.TraceState);
        w.WriteString("time", Rfc3339(c.Now));
        if (c.Ttl is { } ttl) w.WriteString("expiration", Expiration(c.Now, ttl));
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private static string Expiration(DateTimeOffset now, TimeSpan ttl) =>
        now.Add(ttl).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string? Override(Context c, string attribute) =>
        c.Overrides.TryGetValue("cloudevent." + attribute, out var v) && v.Length > 0 ? v : null;

    private static void SetIfMissing(JsonObject ev, string name, string value)
    {
        if (ev[name] is null) ev[name] = value;
    }

    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsBinary(string contentType)
    {
        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase) || media.Contains("protobuf", StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryParseJson(ReadOnlySpan<byte> payload, out JsonElement json)
    {
        json = default;
        try
        {
            var reader = new Utf8JsonReader(payload);
            json = JsonElement.ParseValue(ref reader);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>True when the event's <c>expiration</c> (set from <c>ttlInSeconds</c>) is at or before <paramref name="now"/>.</summary>
    internal static bool IsExpired(JsonElement cloudEvent, DateTimeOffset now) =>
        cloudEvent.TryGetProperty("expiration", out var e) && e.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(e.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
        && at <= now;
}
