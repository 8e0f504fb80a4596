using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.State;

/// <summary>
/// Dapr's state key scheme (<c>keyPrefix</c> metadata): <c>appid</c> (default) gives <c>{appId}||{key}</c>,
/// <c>name</c> gives <c>{store}||{key}</c>, <c>namespace</c> gives <c>{namespace}.{appId}||{key}</c>,
/// <c>none</c> leaves the key alone. Data written this way is readable by Dapr itself, and the reverse.
/// </summary>
public sealed class KeyPrefix
{
    public const string Separator = "||";
    private readonly string _prefix;

    private KeyPrefix(string prefix) => _prefix = prefix;

    public static KeyPrefix For(ComponentDefinition store, string appId, string? @namespace)
    {
        var mode = store.GetMetadata().GetString("keyPrefix")?.Trim();
        return mode?.ToLowerInvariant() switch
        {
            null or "" or "appid" => new KeyPrefix(string.IsNullOrEmpty(appId) ? "" : appId + Separator),
            "name" => new KeyPrefix(store.Name + Separator),
            "namespace" => new KeyPrefix(string.IsNullOrEmpty(@namespace) ? appId + Separator : $"{@namespace}.{appId}{Separator}"),
            "none" => new KeyPrefix(""),
            // Dapr treats any other value as a literal custom prefix.
            _ => new KeyPrefix(mode + Separator),
        };
    }

    /// <summary>A prefix already worked out elsewhere (e.g. sent to a silo by a gateway).</summary>
    public static KeyPrefix Literal(string prefix) => new(prefix);

    public string Prefix => _prefix;

    public string Apply(string key) => _prefix + key;

    public string Strip(string storedKey) =>
        storedKey.StartsWith(_prefix, StringComparison.Ordinal) ? storedKey[_prefix.Length..] : storedKey;
}
