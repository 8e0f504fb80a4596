using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.PubSub.Brokers;

/// <summary>
/// Dapr's <c>pubsub.rabbitmq</c> metadata: the broker (<c>connectionString</c> as <c>amqp://user:pass@host:port/vhost</c>,
/// or the older <c>host</c> with the same form, or <c>hostname</c>/<c>username</c>/<c>password</c>/<c>protocol</c>), the
/// topology (<c>exchangeKind</c>, <c>durable</c>, <c>deletedWhenUnused</c>, <c>maxLen</c>, <c>maxLenBytes</c>) and
/// messages (<c>deliveryMode</c>, <c>ttlInSeconds</c>, <c>prefetchCount</c>, <c>autoAck</c>). Dapr's defaults apply:
/// non-durable, auto-deleted queues and transient messages unless the file says otherwise.
/// </summary>
internal sealed record RabbitMqPubSubOptions(
    Uri Uri, string ExchangeKind, bool Durable, bool DeleteWhenUnused, bool AutoAck, byte DeliveryMode,
    ushort PrefetchCount, int? TtlSeconds, long? MaxLen, long? MaxLenBytes)
{
    private static readonly string[] Kinds = ["fanout", "topic", "direct", "headers"];

    public static RabbitMqPubSubOptions FromMetadata(ComponentMetadata m)
    {
        var uri = ParseUri(m);
        var kind = (m.GetString("exchangeKind") ?? "fanout").Trim().ToLowerInvariant();
        if (!Kinds.Contains(kind)) throw m.Error("exchangeKind", $"must be one of {string.Join(", ", Kinds)}, not '{kind}'");
        var deliveryMode = m.GetInt("deliveryMode", 0, min: 0, max: 2);
        var ttl = m.GetInt("ttlInSeconds", 0, min: 0);
        return new RabbitMqPubSubOptions(uri, kind, m.GetBool("durable", false), m.GetBool("deletedWhenUnused", true), m.GetBool("autoAck", false),
            (byte)deliveryMode, (ushort)m.GetInt("prefetchCount", 0, min: 0, max: ushort.MaxValue), ttl > 0 ? ttl : null,
            Long(m, "maxLen"), Long(m, "maxLenBytes"));
    }

    private static Uri ParseUri(ComponentMetadata m)
    {
        var text = m.GetString("connectionString") is { Length: > 0 } cs ? cs : m.GetString("host");
        string field = m.GetString("connectionString") is { Length: > 0 } ? "connectionString" : "host";
        if (string.IsNullOrWhiteSpace(text))
        {
            var hostname = m.GetString("hostname");
            if (string.IsNullOrWhiteSpace(hostname)) throw m.Error("connectionString", "is required (or host, or hostname)");
            var protocol = m.GetString("protocol") is { Length: > 0 } p ? p.Trim() : "amqp";
            var user = Uri.EscapeDataString(m.GetString("username") ?? "guest");
            var password = Uri.EscapeDataString(m.GetString("password") ?? "guest");
            text = $"{protocol}://{user}:{password}@{hostname.Trim()}";
            field = "hostname";
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            throw m.Error(field, "must be an amqp:// or amqps:// address");
        // username/password next to a connection string without credentials fill them in, as in Dapr.
        if (string.IsNullOrEmpty(uri.UserInfo) && m.GetString("username") is { Length: > 0 } u)
            uri = new UriBuilder(uri) { UserName = u, Password = m.GetString("password") ?? "" }.Uri;
        return uri;
    }

    private static long? Long(ComponentMetadata m, string name)
    {
        var text = m.GetString(name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!long.TryParse(text.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            throw m.Error(name, $"must be a positive integer, not '{text}'");
        return n;
    }
}
