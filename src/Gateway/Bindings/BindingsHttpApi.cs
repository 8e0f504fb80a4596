using System.Text.Json;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>
/// Dapr's output bindings HTTP API: <c>POST</c>/<c>PUT /v1.0/bindings/{name}</c> with <c>{"data", "metadata", "operation"}</c>.
/// 200 with the binding's data as the body (204 when the binding answered nothing); the binding's metadata comes back
/// as <c>metadata.*</c> headers, on errors too (daprd does so for the HTTP binding's non-2xx answers).
/// </summary>
public static class BindingsHttpApi
{
    public const string MetadataHeaderPrefix = "metadata.";

    public static IEndpointRouteBuilder MapBindingsApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/v1.0/bindings/{name}", [HttpMethods.Post, HttpMethods.Put], InvokeAsync);
        return app;
    }

    private static async Task InvokeAsync(HttpContext http, string name, BindingsService bindings)
    {
        BindingRequest request;
        using (var body = await JsonBody.ReadAsync(http.Request, http.RequestAborted))
            request = Parse(body.RootElement, http);
        var result = await bindings.InvokeAsync(name, request, http.RequestAborted);
        if (result.Response is { } answer)
            foreach (var (key, value) in answer.Metadata) http.Response.Headers.Append(MetadataHeaderPrefix + key, value);
        if (result.Error is { } error)
        {
            await http.Response.WriteDaprErrorAsync(error);
            return;
        }
        var response = result.Response!;
        if (response.IsEmpty)
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = response.Data.Length;
        await http.Response.Body.WriteAsync(response.Data, http.RequestAborted);
    }

    /// <summary>Reads the body as daprd's Go struct does: unknown fields ignored, a field of the wrong JSON type a malformed request.</summary>
    private static BindingRequest Parse(JsonElement root, HttpContext http)
    {
        if (root.ValueKind == JsonValueKind.Null) root = default;
        else if (root.ValueKind != JsonValueKind.Object)
            throw DaprErrors.MalformedRequest($"cannot unmarshal {Kind(root)} into a binding request object").ToException();

        JsonElement? data = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var operation = "";
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (root.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null) data = d;
            if (root.TryGetProperty("operation", out var op))
            {
                if (op.ValueKind == JsonValueKind.String) operation = op.GetString()!;
                else if (op.ValueKind != JsonValueKind.Null)
                    throw DaprErrors.MalformedRequest($"field 'operation' must be a string, not {Kind(op)}").ToException();
            }
            if (root.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null)
            {
                if (m.ValueKind != JsonValueKind.Object)
                    throw DaprErrors.MalformedRequest($"field 'metadata' must be an object of strings, not {Kind(m)}").ToException();
                foreach (var p in m.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Null) continue;
                    if (p.Value.ValueKind != JsonValueKind.String)
                        throw DaprErrors.MalformedRequest($"metadata '{p.Name}' must be a string, not {Kind(p.Value)}").ToException();
                    metadata[p.Name] = p.Value.GetString()!;
                }
            }
        }
        // daprd passes the call's trace context to the binding (the HTTP binding sends it on).
        if (http.Items[TraceContextMiddleware.ItemKey] is string traceparent) metadata[TraceContextMiddleware.TraceParent] = traceparent;
        if (http.Request.Headers["tracestate"].ToString() is { Length: > 0 } tracestate) metadata["tracestate"] = tracestate;
        return new BindingRequest(operation, GoJson.Marshal(data), metadata);
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };
}
