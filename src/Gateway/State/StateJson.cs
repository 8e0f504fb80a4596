using System.Text;
using System.Text.Json;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Http;

namespace ActorRuntime.Gateway.State;

/// <summary>Dapr's HTTP JSON shapes for state: save items, bulk answers, transactions.</summary>
internal static class StateJson
{
    public static IReadOnlyList<SaveStateItem> ParseSaveItems(JsonElement root, IReadOnlyDictionary<string, string> queryMetadata)
    {
        if (root.ValueKind != JsonValueKind.Array) throw DaprErrors.MalformedRequest("expected a JSON array of state items").ToException();
        return [.. root.EnumerateArray().Select(e => ParseSaveItem(e, queryMetadata))];
    }

    public static SaveStateItem ParseSaveItem(JsonElement e, IReadOnlyDictionary<string, string> queryMetadata)
    {
        if (e.ValueKind != JsonValueKind.Object) throw DaprErrors.MalformedRequest("each state item must be a JSON object").ToException();
        var key = JsonBody.OptionalString(e, "key");
        if (string.IsNullOrEmpty(key)) throw DaprErrors.MalformedRequest("state item has no 'key'").ToException();
        // The value is kept as its JSON text: a JSON string keeps its quotes, as in Dapr.
        var value = e.TryGetProperty("value", out var v) ? Encoding.UTF8.GetBytes(v.GetRawText()) : [];
        var metadata = new Dictionary<string, string>(queryMetadata, StringComparer.Ordinal);
        foreach (var (k, val) in JsonBody.StringMap(e, "metadata")) metadata[k] = val;
        return new SaveStateItem(key, value, JsonBody.OptionalString(e, "etag"), IsFirstWrite(e), metadata);
    }

    public static bool IsFirstWrite(JsonElement item)
    {
        if (!item.TryGetProperty("options", out var o) || o.ValueKind != JsonValueKind.Object) return false;
        return ParseConcurrency(JsonBody.OptionalString(o, "concurrency"));
    }

    public static bool ParseConcurrency(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "last-write" => false,
        "first-write" => true,
        _ => throw DaprErrors.MalformedRequest($"unknown concurrency '{value}', expected first-write or last-write").ToException(),
    };

    public static IReadOnlyList<StateTransactionItem> ParseTransaction(JsonElement root, IReadOnlyDictionary<string, string> requestMetadata)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("operations", out var ops) || ops.ValueKind != JsonValueKind.Array)
            throw DaprErrors.MalformedRequest("expected an object with an 'operations' array").ToException();
        var metadata = new Dictionary<string, string>(requestMetadata, StringComparer.Ordinal);
        foreach (var (k, val) in JsonBody.StringMap(root, "metadata")) metadata[k] = val;
        var items = new List<StateTransactionItem>();
        foreach (var op in ops.EnumerateArray())
        {
            var kind = JsonBody.OptionalString(op, "operation");
            if (!op.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object)
                throw DaprErrors.MalformedRequest("each operation needs a 'request' object").ToException();
            items.Add(kind?.ToLowerInvariant() switch
            {
                "upsert" => new StateTransactionItem(ParseSaveItem(request, metadata), null),
                "delete" => new StateTransactionItem(null, new DeleteStateItem(
                    JsonBody.OptionalString(request, "key") is { Length: > 0 } k ? k : throw DaprErrors.MalformedRequest("delete operation has no 'key'").ToException(),
                    JsonBody.OptionalString(request, "etag"), IsFirstWrite(request))),
                _ => throw DaprErrors.OperationNotSupported(kind ?? "").ToException(),
            });
        }
        return items;
    }

    /// <summary>Writes a stored value into a JSON answer: as JSON when it is JSON, otherwise as a JSON string.</summary>
    public static void WriteValue(Utf8JsonWriter w, string property, byte[] data)
    {
        w.WritePropertyName(property);
        if (IsJson(data)) w.WriteRawValue(data, skipInputValidation: true);
        else w.WriteStringValue(Encoding.UTF8.GetString(data));
    }

    private static bool IsJson(byte[] data)
    {
        if (data.Length == 0) return false;
        var reader = new Utf8JsonReader(data);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
