using System.Buffers;
using System.Text.Json;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace ActorRuntime.Gateway.State;

/// <summary>Dapr's state HTTP API: <c>/v1.0/state/...</c> and the alpha query route.</summary>
public static class StateHttpApi
{
    public static IEndpointRouteBuilder MapStateApi(this IEndpointRouteBuilder app)
    {
        var state = app.MapGroup("/v1.0/state/{storeName}");
        state.MapMethods("", ["POST", "PUT"], SaveAsync);
        state.MapMethods("/bulk", ["POST", "PUT"], GetBulkAsync);
        state.MapMethods("/transaction", ["POST", "PUT"], TransactionAsync);
        state.MapGet("/{**key}", GetAsync);
        state.MapDelete("/{**key}", DeleteAsync);
        app.MapMethods("/v1.0-alpha1/state/{storeName}/query", ["POST", "PUT"], QueryAsync);
        return app;
    }

    private static async Task GetAsync(HttpContext http, string storeName, string key, StateService state)
    {
        var entry = await state.GetAsync(storeName, key, http.RequestAborted, IsStrong(http.Request));
        var response = http.Response;
        if (entry is null)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers[HeaderNames.ETag] = entry.ETag;
        response.ContentType = entry.ContentType ?? "application/json";
        if (entry.ExpiresAt is { } expires)
            HttpRequestMetadata.WriteResponseMetadata(response, StateMetadata.TtlExpireTime, StateMetadata.FormatExpireTime(expires));
        response.ContentLength = entry.Value.Length;
        await response.Body.WriteAsync(entry.Value, http.RequestAborted);
    }

    private static async Task<IResult> SaveAsync(HttpContext http, string storeName, StateService state)
    {
        using var body = await JsonBody.ReadAsync(http.Request, http.RequestAborted);
        var items = StateJson.ParseSaveItems(body.RootElement, HttpRequestMetadata.FromQuery(http.Request));
        await state.SaveAsync(storeName, items, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string storeName, string key, StateService state)
    {
        string? etag = http.Request.Headers[HeaderNames.IfMatch].ToString() is { Length: > 0 } e ? e : null;
        var firstWrite = StateJson.ParseConcurrency(http.Request.Query["concurrency"].ToString());
        await state.DeleteAsync(storeName, [new DeleteStateItem(key, etag, firstWrite)], http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task GetBulkAsync(HttpContext http, string storeName, StateService state)
    {
        using var body = await JsonBody.ReadAsync(http.Request, http.RequestAborted);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("keys", out var keysEl) || keysEl.ValueKind != JsonValueKind.Array)
            throw DaprErrors.MalformedRequest("expected an object with a 'keys' array").ToException();
        var keys = keysEl.EnumerateArray().Select(k => k.ValueKind == JsonValueKind.String ? k.GetString()! : throw DaprErrors.MalformedRequest("keys must be strings").ToException()).ToList();
        var parallelism = root.TryGetProperty("parallelism", out var p) && p.TryGetInt32(out var n) ? n : 0;
        var items = await state.GetBulkAsync(storeName, keys, parallelism, http.RequestAborted, IsStrong(http.Request));

        await JsonResponse.WriteAsync(http.Response, w =>
        {
            w.WriteStartArray();
            foreach (var item in items)
            {
                w.WriteStartObject();
                w.WriteString("key", item.Key);
                if (item.Data is not null) StateJson.WriteValue(w, "data", item.Data);
                if (item.ETag is not null) w.WriteString("etag", item.ETag);
                if (item.ExpiresAt is { } expires)
                {
                    w.WriteStartObject("metadata");
                    w.WriteString(StateMetadata.TtlExpireTime, StateMetadata.FormatExpireTime(expires));
                    w.WriteEndObject();
                }
                if (item.Error is not null) w.WriteString("error", item.Error);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }, http.RequestAborted);
    }

    /// <summary>
    /// <c>?consistency=strong</c> reads the store itself; <c>eventual</c> (the default) may be answered from memory.
    /// Like Dapr, any other value is passed over rather than refused.
    /// </summary>
    private static bool IsStrong(HttpRequest request) =>
        string.Equals(request.Query["consistency"].ToString(), "strong", StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> TransactionAsync(HttpContext http, string storeName, StateService state)
    {
        state.Resolve(storeName, "");
        using var body = await JsonBody.ReadAsync(http.Request, http.RequestAborted);
        var items = StateJson.ParseTransaction(body.RootElement, HttpRequestMetadata.FromQuery(http.Request));
        await state.ExecuteTransactionAsync(storeName, items, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task QueryAsync(HttpContext http, string storeName, StateService state)
    {
        state.Resolve(storeName, "");
        using var body = await JsonBody.ReadAsync(http.Request, http.RequestAborted);
        var answer = await state.QueryAsync(storeName, body.RootElement.GetRawText(), http.RequestAborted);
        await JsonResponse.WriteAsync(http.Response, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("results");
            foreach (var r in answer.Results)
            {
                w.WriteStartObject();
                w.WriteString("key", r.Key);
                StateJson.WriteValue(w, "data", r.Data);
                w.WriteString("etag", r.ETag);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (answer.Token is not null) w.WriteString("token", answer.Token);
            w.WriteEndObject();
        }, http.RequestAborted);
    }
}
