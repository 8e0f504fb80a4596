using System.Text.Json;
using ActorRuntime.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Http;

/// <summary>Reads a request body as JSON; anything unreadable becomes Dapr's 400 ERR_MALFORMED_REQUEST.</summary>
internal static class JsonBody
{
    public static async Task<JsonDocument> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException ex)
        {
            throw DaprErrors.MalformedRequest(ex.Message).ToException();
        }
    }

    public static string? OptionalString(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => throw DaprErrors.MalformedRequest($"field '{name}' must be a string").ToException(),
        };
    }

    public static Dictionary<string, string> StringMap(JsonElement obj, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var m) || m.ValueKind == JsonValueKind.Null) return map;
        if (m.ValueKind != JsonValueKind.Object) throw DaprErrors.MalformedRequest($"field '{name}' must be an object").ToException();
        foreach (var p in m.EnumerateObject())
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        return map;
    }
}
