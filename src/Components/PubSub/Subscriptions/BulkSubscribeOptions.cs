using System.Globalization;
using System.Text.Json;

namespace ActorRuntime.Components.PubSub.Subscriptions;

/// <summary>
/// Dapr's <c>bulkSubscribe</c> of a subscription: events go to the app in batches of up to
/// <see cref="MaxMessagesCount"/>, a batch leaving at that size or <see cref="MaxAwaitDurationMs"/> after its first
/// event, whichever comes first (Dapr's defaults: 100 and 1000 ms).
/// </summary>
public sealed record BulkSubscribeOptions(int MaxMessagesCount, int MaxAwaitDurationMs)
{
    public const int DefaultMaxMessagesCount = 100;
    public const int DefaultMaxAwaitDurationMs = 1000;
    // Bounds that keep one batch's envelope and its read-ahead window sane; Dapr sets none.
    private const int MaxCount = 10_000;
    private const int MaxAwaitMs = 600_000;

    /// <summary>The options of a <c>bulkSubscribe</c> object; null when it is absent or <c>enabled</c> is not true.</summary>
    /// <exception cref="FormatException">A field has a wrong type or value; the message names it.</exception>
    public static BulkSubscribeOptions? Parse(JsonElement item, string where)
    {
        if (!item.TryGetProperty("bulkSubscribe", out var bulk) || bulk.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        if (bulk.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: bulkSubscribe must be an object");
        if (!Bool(bulk, "enabled", where)) return null;
        var count = Int(bulk, "maxMessagesCount", where, DefaultMaxMessagesCount, MaxCount);
        var await_ = Int(bulk, "maxAwaitDurationMs", where, DefaultMaxAwaitDurationMs, MaxAwaitMs);
        return new BulkSubscribeOptions(count, await_);
    }

    private static bool Bool(JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var v)) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            // YAML files arrive here as text.
            JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => b,
            _ => throw new FormatException($"{where}: bulkSubscribe.{name} must be true or false"),
        };
    }

    private static int Int(JsonElement e, string name, string where, int fallback, int max)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        int value;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)) value = n;
        else if (v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) value = s;
        else throw new FormatException($"{where}: bulkSubscribe.{name} must be a whole number");
        // Dapr treats 0 (the proto default, what SDKs send when unset) as "use the default".
        if (value == 0) return fallback;
        if (value < 0 || value > max) throw new FormatException($"{where}: bulkSubscribe.{name} must be between 1 and {max}");
        return value;
    }
}
