using System.Globalization;
using ActorRuntime.Gateway.Errors;

namespace ActorRuntime.Gateway.State;

/// <summary>Per-request state metadata that the runtime itself understands.</summary>
internal static class StateMetadata
{
    public const string TtlInSeconds = "ttlInSeconds";
    public const string ContentType = "contentType";
    public const string TtlExpireTime = "ttlExpireTime";

    /// <summary>
    /// <c>ttlInSeconds</c>: absent gives null (the store's default TTL applies); -1 gives a negative span, which tells
    /// the store "never expire" even over a store-wide default; anything else must be a positive integer.
    /// </summary>
    public static TimeSpan? ParseTtl(IReadOnlyDictionary<string, string> metadata, string store)
    {
        if (!metadata.TryGetValue(TtlInSeconds, out var raw) || string.IsNullOrWhiteSpace(raw)) return null;
        if (!long.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < -1)
            throw DaprErrors.StateSave(store, $"incorrect value for metadata '{TtlInSeconds}': '{raw}' is not a number of seconds").ToException();
        if (seconds == -1) return Timeout.InfiniteTimeSpan;
        if (seconds == 0)
            throw DaprErrors.StateSave(store, $"incorrect value for metadata '{TtlInSeconds}': must be greater than 0 or -1").ToException();
        return TimeSpan.FromSeconds(seconds);
    }

    public static string? ContentTypeOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(ContentType, out var ct) && !string.IsNullOrWhiteSpace(ct) ? ct : null;

    public static string FormatExpireTime(DateTimeOffset expires) =>
        expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
