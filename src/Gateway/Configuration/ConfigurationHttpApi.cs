using System.Text.Json;
using ActorRuntime.Components.ConfigurationStores;
using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Configuration;

/// <summary>
/// Dapr's configuration HTTP API (<c>v1.0</c> and <c>v1.0-alpha1</c>): get, subscribe (changes are POSTed to the app at
/// <c>/configuration/{store}/{key}</c> with the whole update as the body) and unsubscribe.
/// </summary>
public static class ConfigurationHttpApi
{
    public static IEndpointRouteBuilder MapConfigurationApi(this IEndpointRouteBuilder app)
    {
        foreach (var version in new[] { "v1.0", "v1.0-alpha1" })
        {
            var group = app.MapGroup($"/{version}/configuration/{{storeName}}");
            group.MapGet("", GetAsync);
            group.MapGet("/subscribe", SubscribeAsync);
            group.MapGet("/{id}/unsubscribe", UnsubscribeAsync);
        }
        return app;
    }

    private static async Task GetAsync(HttpContext http, string storeName, ConfigurationService configuration)
    {
        var items = await configuration.GetAsync(storeName, Keys(http.Request), HttpRequestMetadata.FromQuery(http.Request), http.RequestAborted);
        await JsonResponse.WriteAsync(http.Response, w => WriteItems(w, items), http.RequestAborted);
    }

    // Kept in the app's subscription grain, so another gateway of the app takes it over if this one is lost.
    private static async Task SubscribeAsync(HttpContext http, string storeName, ConfigurationService configuration)
    {
        var id = await configuration.SubscribeForAppAsync(storeName, Keys(http.Request), HttpRequestMetadata.FromQuery(http.Request), http.RequestAborted);
        await JsonResponse.WriteAsync(http.Response, w => { w.WriteStartObject(); w.WriteString("id", id); w.WriteEndObject(); }, http.RequestAborted);
    }

    private static async Task UnsubscribeAsync(HttpContext http, string id, ConfigurationService configuration)
    {
        var (ok, message) = await configuration.UnsubscribeAsync(id);
        await JsonResponse.WriteAsync(http.Response, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", ok);
            if (!ok) w.WriteString("message", message);
            w.WriteEndObject();
        }, http.RequestAborted);
    }

    internal static void WriteItems(Utf8JsonWriter w, IReadOnlyDictionary<string, ConfigurationItem> items)
    {
        w.WriteStartObject();
        foreach (var (key, item) in items)
        {
            w.WritePropertyName(key);
            w.WriteStartObject();
            w.WriteString("value", item.Value);
            w.WriteString("version", item.Version);
            w.WritePropertyName("metadata");
            w.WriteStartObject();
            foreach (var (k, v) in item.Metadata) w.WriteString(k, v);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static List<string> Keys(HttpRequest request) =>
        [.. request.Query["key"].Where(k => !string.IsNullOrEmpty(k)).Select(k => k!)];
}
