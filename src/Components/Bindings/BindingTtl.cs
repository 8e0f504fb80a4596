using System.Globalization;

namespace ActorRuntime.Components.Bindings;

/// <summary>Dapr's per-request <c>ttlInSeconds</c> metadata, shared by the bindings that honour it.</summary>
public static class BindingTtl
{
    public const string Key = "ttlInSeconds";

    /// <summary>The TTL the request asks for, or null; a value that is not a positive whole number is the caller's error.</summary>
    public static TimeSpan? From(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(Key, out var text) || string.IsNullOrEmpty(text)) return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            throw new BindingOperationException($"{Key} value must be a valid integer: actual is '{text}'");
        if (seconds <= 0) throw new BindingOperationException($"{Key} value must be higher than zero: actual is {seconds}");
        return TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds));
    }
}
