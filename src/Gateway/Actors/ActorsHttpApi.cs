using System.Globalization;
using System.Text.Json;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Invocation;
using ActorRuntime.Grains.Actors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Actors;

/// <summary>Dapr's actor API over HTTP: <c>/v1.0/actors/{type}/{id}/...</c> (method, state, reminders, timers).</summary>
public static class ActorsHttpApi
{
    /// <summary>Hop-by-hop headers, and the body's own headers (the call carries its content type separately).</summary>
    private static bool NotForwarded(string header) =>
        HttpForwarding.IsHopByHop(header) || header.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapActorsApi(this IEndpointRouteBuilder endpoints)
    {
        var actors = endpoints.MapGroup("/v1.0/actors/{type}/{id}");
        actors.MapMethods("/method/{**method}", ["GET", "POST", "PUT", "DELETE", "PATCH"], InvokeAsync);
        actors.MapGet("/state/{key}", GetStateAsync);
        actors.MapMethods("/state", ["POST", "PUT"], TransactionAsync);
        actors.MapMethods("/reminders/{name}", ["POST", "PUT"], async (string type, string id, string name, HttpContext http, ActorService actors) =>
        {
            await actors.RegisterReminderAsync(type, id, name, await ReadTimerBodyAsync(http));
            return Results.NoContent();
        });
        actors.MapGet("/reminders/{name}", async (string type, string id, string name, ActorService actors) =>
        {
            var r = await actors.GetReminderAsync(type, id, name)
                ?? throw DaprErrors.ActorReminderGet($"reminder {name} not found for actor {type}/{id}", 404).ToException();
            return Results.Text(ReminderJson(r), "application/json");
        });
        actors.MapDelete("/reminders/{name}", async (string type, string id, string name, ActorService actors) =>
        {
            await actors.UnregisterReminderAsync(type, id, name);
            return Results.NoContent();
        });
        actors.MapMethods("/timers/{name}", ["POST", "PUT"], async (string type, string id, string name, HttpContext http, ActorService actors) =>
        {
            await actors.RegisterTimerAsync(type, id, name, await ReadTimerBodyAsync(http));
            return Results.NoContent();
        });
        actors.MapDelete("/timers/{name}", async (string type, string id, string name, ActorService actors) =>
        {
            await actors.UnregisterTimerAsync(type, id, name);
            return Results.NoContent();
        });
        return endpoints;
    }

    private static async Task InvokeAsync(string type, string id, string method, HttpContext http, ActorService actors)
    {
        var body = await ReadBodyAsync(http);
        var headers = http.Request.Headers.Where(h => !NotForwarded(h.Key) && !h.Key.StartsWith(':'))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))).ToList();
        var answer = await actors.InvokeAsync(type, id, new ActorCall(method, body, http.Request.ContentType, headers), http.RequestAborted);
        if (ActorService.ErrorOf(answer) is { } error)
        {
            await http.Response.WriteDaprErrorAsync(error);
            return;
        }
        http.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
            if (!NotForwarded(name)) http.Response.Headers.Append(name, value);
        if (answer.ContentType is not null) http.Response.ContentType = answer.ContentType;
        await http.Response.Body.WriteAsync(answer.Body, http.RequestAborted);
    }

    private static async Task<IResult> GetStateAsync(string type, string id, string key, HttpContext http, ActorService actors)
    {
        var entry = await actors.GetStateAsync(type, id, key, http.RequestAborted);
        if (entry is null) return Results.NoContent();
        if (entry.ExpiresAt is { } exp) http.Response.Headers["metadata.ttlExpireTime"] = exp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return Results.Bytes(entry.Value, "application/json");
    }

    private static async Task<IResult> TransactionAsync(string type, string id, HttpContext http, ActorService actors)
    {
        var body = await ReadBodyAsync(http);
        List<ActorStateOperation> ops;
        try { ops = ParseOperations(body); }
        catch (Exception e) when (e is JsonException or FormatException) { throw DaprErrors.MalformedRequest(e.Message).ToException(); }
        await actors.ExecuteStateTransactionAsync(type, id, ops, http.RequestAborted);
        return Results.NoContent();
    }

    internal static List<ActorStateOperation> ParseOperations(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new JsonException("the body must be a JSON array of operations");
        var ops = new List<ActorStateOperation>();
        foreach (var op in doc.RootElement.EnumerateArray())
        {
            var kind = op.TryGetProperty("operation", out var o) ? o.GetString() : null;
            if (!op.TryGetProperty("request", out var r) || r.ValueKind != JsonValueKind.Object) throw new FormatException("each operation needs a request object");
            var key = r.TryGetProperty("key", out var k) ? k.GetString() : null;
            if (string.IsNullOrEmpty(key)) throw new FormatException("each operation needs request.key");
            TimeSpan? ttl = null;
            if (r.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty("ttlInSeconds", out var t))
                ttl = TimeSpan.FromSeconds(int.Parse(t.ValueKind == JsonValueKind.Number ? t.GetRawText() : t.GetString()!, CultureInfo.InvariantCulture));
            ops.Add(kind switch
            {
                "upsert" => new ActorStateOperation(false, key, r.TryGetProperty("value", out var v) ? JsonSerializer.SerializeToUtf8Bytes(v) : "null"u8.ToArray(), ttl),
                "delete" => new ActorStateOperation(true, key, null, null),
                _ => throw new FormatException($"operation type {kind} not supported"),
            });
        }
        return ops;
    }

    private static async Task<ActorTimerBody> ReadTimerBodyAsync(HttpContext http)
    {
        var body = await ReadBodyAsync(http);
        try { return ActorTimerBody.Parse(body); }
        catch (JsonException e) { throw DaprErrors.MalformedRequest(e.Message).ToException(); }
    }

    internal static string ReminderJson(ActorScheduleRequest r)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("data");
            if (r.DataJson is null) json.WriteNullValue(); else json.WriteRawValue(r.DataJson);
            json.WriteString("dueTime", r.DueTime ?? "");
            json.WriteString("period", r.Period ?? "");
            if (r.Ttl is not null) json.WriteString("ttl", r.Ttl);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return buffer.ToArray();
    }
}
