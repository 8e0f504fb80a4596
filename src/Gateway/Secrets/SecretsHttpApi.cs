using System.Buffers;
using System.Text.Json;
using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Secrets;

/// <summary>Dapr's secrets HTTP API: <c>GET /v1.0/secrets/{store}/{name}</c> and <c>GET /v1.0/secrets/{store}/bulk</c>.</summary>
public static class SecretsHttpApi
{
    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var secrets = app.MapGroup("/v1.0/secrets/{storeName}");
        secrets.MapGet("/bulk", GetBulkAsync); // a literal segment wins over {key}
        secrets.MapGet("/{key}", GetAsync);
        return app;
    }

    private static async Task GetAsync(HttpContext http, string storeName, string key, SecretsService secrets)
    {
        var data = await secrets.GetAsync(storeName, key, HttpRequestMetadata.FromQuery(http.Request), http.RequestAborted);
        await JsonResponse.WriteAsync(http.Response, w => WriteMap(w, data), http.RequestAborted);
    }

    private static async Task GetBulkAsync(HttpContext http, string storeName, SecretsService secrets)
    {
        var all = await secrets.GetBulkAsync(storeName, HttpRequestMetadata.FromQuery(http.Request), http.RequestAborted);
        await JsonResponse.WriteAsync(http.Response, w =>
        {
            w.WriteStartObject();
            foreach (var (name, data) in all)
            {
                w.WritePropertyName(name);
                WriteMap(w, data);
            }
            w.WriteEndObject();
        }, http.RequestAborted);
    }

    private static void WriteMap(Utf8JsonWriter w, IReadOnlyDictionary<string, string> data)
    {
        w.WriteStartObject();
        foreach (var (k, v) in data) w.WriteString(k, v);
        w.WriteEndObject();
    }
}
