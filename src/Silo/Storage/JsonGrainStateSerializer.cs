using System.Text.Json;
using Orleans.Storage;

namespace ActorRuntime.Silo.Storage;

/// <summary>
/// Grain state as UTF-8 JSON with System.Text.Json, for every grain storage <c>AddActorRuntimeSilo</c> configures
/// (state store, PostgreSQL, Redis): state is readable from any language and needs no Orleans type annotations
/// (Orleans' default storage serializer embeds .NET type names and only resolves types it knows).
/// </summary>
public sealed class JsonGrainStateSerializer(JsonSerializerOptions? options = null) : IGrainStorageSerializer
{
    /// <summary>Web defaults (camelCase, case-insensitive reads) plus public fields.</summary>
    public static JsonSerializerOptions CreateDefaultOptions() => new(JsonSerializerDefaults.Web) { IncludeFields = true };

    public JsonSerializerOptions Options { get; } = options ?? CreateDefaultOptions();

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options);
    }
}
