using System.Text.Json;

namespace ActorRuntime.Components.Actors;

/// <summary>
/// The app's answer to <c>GET /dapr/config</c>: which actor types it hosts and how they behave.
/// </summary>
/// <remarks>
/// Parsed leniently because every SDK writes it differently: unknown fields are ignored, property names match
/// case-insensitively (as Go's encoding/json does in daprd), empty strings and nulls mean "default".
/// Durations may be Go strings (the .NET SDK writes <c>"1h0m0s0ms"</c>, the Java SDK the same shape, the Python SDK
/// adds <c>"0μs"</c>), .NET TimeSpan text (<c>"01:00:00"</c>) or ISO 8601 (<c>"PT1H"</c>). A value of the wrong type
/// is a <see cref="FormatException"/> naming the field, since silently using a default would hide an app bug.
/// Per-type <c>entitiesConfig</c> entries override only the fields they set; as in daprd, <c>actorScanInterval</c>
/// is global and is not read per type.
/// </remarks>
public sealed class ActorHostConfig
{
    private readonly Dictionary<string, ActorTypeSettings> _perType;

    private ActorHostConfig(IReadOnlyList<string> entities, ActorTypeSettings defaults, Dictionary<string, ActorTypeSettings> perType)
    {
        Entities = entities;
        Defaults = defaults;
        _perType = perType;
    }

    /// <summary>An app that hosts no actors (empty body or 404 from <c>/dapr/config</c>).</summary>
    public static ActorHostConfig Empty { get; } = new([], ActorTypeSettings.Default, new(StringComparer.Ordinal));

    /// <summary>Actor types the app hosts (<c>entities</c>), in the app's order, without duplicates.</summary>
    public IReadOnlyList<string> Entities { get; }

    /// <summary>Settings for types without an <c>entitiesConfig</c> entry.</summary>
    public ActorTypeSettings Defaults { get; }

    /// <summary>Effective settings for <paramref name="actorType"/> (actor types are case-sensitive in Dapr).</summary>
    public ActorTypeSettings For(string actorType) => _perType.GetValueOrDefault(actorType) ?? Defaults;

    /// <summary>Parses the body; an empty body or <c>null</c> means no actors.</summary>
    public static ActorHostConfig Parse(ReadOnlySpan<byte> json)
    {
        if (json.Trim(" \t\r\n"u8).IsEmpty) return Empty;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        JsonDocument doc;
        try
        {
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"/dapr/config: invalid JSON: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Null) return Empty;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException($"/dapr/config: expected a JSON object, got {root.ValueKind}");

            var entities = HostConfigJson.Strings(root, "entities", "entities").Distinct(StringComparer.Ordinal).ToList();
            var defaults = HostConfigJson.Settings(root, ActorTypeSettings.Default, "", includeScanInterval: true);

            var perType = new Dictionary<string, ActorTypeSettings>(StringComparer.Ordinal);
            var configs = HostConfigJson.Get(root, "entitiesConfig");
            if (configs is { ValueKind: not JsonValueKind.Null } list)
            {
                if (list.ValueKind != JsonValueKind.Array) throw new FormatException("/dapr/config: 'entitiesConfig' must be an array");
                var i = 0;
                foreach (var entry in list.EnumerateArray())
                {
                    var path = $"entitiesConfig[{i++}]";
                    if (entry.ValueKind != JsonValueKind.Object) throw new FormatException($"/dapr/config: '{path}' must be an object");
                    var types = HostConfigJson.Strings(entry, "entities", path + ".entities");
                    if (types.Count == 0) throw new FormatException($"/dapr/config: '{path}.entities' must list at least one actor type");
                    var settings = HostConfigJson.Settings(entry, defaults, path + ".", includeScanInterval: false);
                    foreach (var type in types)
                        if (!perType.TryAdd(type, settings))
                            throw new FormatException($"/dapr/config: actor type '{type}' appears in more than one entitiesConfig entry");
                }
            }
            return new ActorHostConfig(entities, defaults, perType);
        }
    }
}
