namespace ActorRuntime.Components.Model;

/// <summary>
/// One Dapr <c>kind: Component</c> document as loaded from a resources folder.
/// This is the configuration model; live components are built from it by their factories.
/// </summary>
public sealed class ComponentDefinition
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    /// <summary>Dapr type, e.g. <c>state.redis</c>.</summary>
    public required string Type { get; init; }
    public string Version { get; init; } = "v1";
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public bool IgnoreErrors { get; init; }
    public IReadOnlyDictionary<string, MetadataValue> Metadata { get => _metadata; init => _metadata = value; }
    private IReadOnlyDictionary<string, MetadataValue> _metadata = new Dictionary<string, MetadataValue>(StringComparer.OrdinalIgnoreCase);
    /// <summary>App ids allowed to use the component; empty means every app.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];
    /// <summary>Name of the secret store that resolves <c>secretKeyRef</c> entries.</summary>
    public string? AuthSecretStore { get; init; }
    /// <summary>File the component came from (for error messages); null when built in code.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Building block, the part of the type before the first dot (<c>state</c>, <c>pubsub</c>, ...).</summary>
    public string Category => Type.Split('.', 2)[0];

    public bool IsInScope(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);

    public ComponentMetadata GetMetadata() => new(this);

    /// <summary>
    /// <c>{name}#{hash of type and metadata}</c>: two processes that both call a store "statestore" share grains
    /// for it only when it is the same store, so a grain never writes to another app's database.
    /// </summary>
    public string InstanceId => _instanceId ??= ComputeInstanceId();

    private string? _instanceId;

    /// <summary>
    /// <paramref name="text"/> with every value this component took from a secret replaced by a mention of the secret,
    /// so an error or log line about the component (a store echoing a bad value, a driver's message) never shows one.
    /// </summary>
    public string RedactSecrets(string text)
    {
        foreach (var v in Metadata.Values)
            if (v.SecretKeyRef is { } r && !string.IsNullOrEmpty(v.Value) && text.Contains(v.Value, StringComparison.Ordinal))
                text = text.Replace(v.Value, $"(value of secret '{r.Name}')", StringComparison.Ordinal);
        return text;
    }

    /// <summary>A copy with other metadata values (secrets resolved); every other property, and the instance id, unchanged.</summary>
    internal ComponentDefinition WithMetadata(IReadOnlyDictionary<string, MetadataValue> metadata)
    {
        var copy = (ComponentDefinition)MemberwiseClone();
        copy._metadata = metadata;
        return copy;
    }

    private string ComputeInstanceId()
    {
        var text = new System.Text.StringBuilder(Type).Append('\n').Append(Version);
        foreach (var (k, v) in Metadata.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
            // A secret is hashed by its reference, never its value: instance ids appear in grain keys and logs.
            text.Append('\n').Append(k.ToLowerInvariant()).Append('=').Append(v.SecretKeyRef is null ? v.Value : null).Append('|').Append(v.SecretKeyRef);
        if (AuthSecretStore is not null && Metadata.Values.Any(v => v.SecretKeyRef is not null))
            text.Append("\nauth=").Append(AuthSecretStore);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
        return $"{Name}#{Convert.ToHexStringLower(hash, 0, 5)}";
    }
}

/// <summary>A metadata entry: a plain value, or a reference to a secret that is resolved at start-up.</summary>
public sealed record MetadataValue(string? Value, SecretKeyRef? SecretKeyRef = null);

public sealed record SecretKeyRef(string Name, string? Key);
