using System.Text.Json;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Secrets.Stores;

/// <summary>
/// <c>secretstores.local.file</c>: a JSON file read once at start-up, as Dapr's component does. <c>secretsFile</c> is
/// relative to the runtime's working directory (daprd opens it with a plain relative path). Nested objects are
/// flattened with <c>nestedSeparator</c> (default <c>:</c>). With <c>multiValued: false</c> every flattened key is a
/// secret returned as <c>{key: value}</c>; with <c>multiValued: true</c> each top-level key is a secret and its nested
/// entries (flattened) are its keys.
/// </summary>
public sealed class LocalFileSecretStore : ISecretStore
{
    private readonly ComponentMetadata _metadata;
    private readonly string _file;
    private readonly string _separator;
    private readonly bool _multiValued;
    private Dictionary<string, Dictionary<string, string>> _secrets = [];

    public LocalFileSecretStore(ComponentDefinition definition)
    {
        _metadata = definition.GetMetadata();
        _file = _metadata.GetRequiredString("secretsFile");
        _separator = _metadata.GetString("nestedSeparator") is { Length: > 0 } s ? s : ":";
        _multiValued = _metadata.GetBool("multiValued", false);
    }

    public IReadOnlyList<string> Capabilities => _multiValued ? [SecretStoreFeatures.MultipleKeyValuesPerSecret] : [];

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(ResourceLoader.ExpandHome(_file));
        JsonDocument doc;
        try
        {
            await using var stream = File.OpenRead(path);
            doc = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw _metadata.Error("secretsFile", $"cannot read '{path}': {e.Message}");
        }
        catch (JsonException e)
        {
            // JsonException names the line and position only, never the text around it.
            throw _metadata.Error("secretsFile", $"'{path}' is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw _metadata.Error("secretsFile", $"'{path}' must hold a JSON object");
            _secrets = _multiValued ? MultiValued(doc.RootElement) : SingleValued(doc.RootElement);
        }
    }

    public Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        _secrets.TryGetValue(name, out var secret)
            ? Task.FromResult<IReadOnlyDictionary<string, string>>(secret)
            : Task.FromException<IReadOnlyDictionary<string, string>>(new SecretNotFoundException(name));

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(
            _secrets.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, string>)kv.Value, StringComparer.Ordinal));

    private Dictionary<string, Dictionary<string, string>> SingleValued(JsonElement root)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(root, null, flat);
        return flat.ToDictionary(kv => kv.Key, kv => new Dictionary<string, string>(StringComparer.Ordinal) { [kv.Key] = kv.Value }, StringComparer.Ordinal);
    }

    private Dictionary<string, Dictionary<string, string>> MultiValued(JsonElement root)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
        {
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) Flatten(p.Value, null, keys);
            else keys[p.Name] = Scalar(p.Value);
            result[p.Name] = keys;
        }
        return result;
    }

    private void Flatten(JsonElement element, string? prefix, Dictionary<string, string> into)
    {
        string Join(string key) => prefix is null ? key : prefix + _separator + key;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject()) Flatten(p.Value, Join(p.Name), into);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) Flatten(item, Join((i++).ToString(System.Globalization.CultureInfo.InvariantCulture)), into);
                break;
            default:
                if (prefix is not null) into[prefix] = Scalar(element);
                break;
        }
    }

    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Null => "",
        _ => e.GetRawText(),
    };

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
