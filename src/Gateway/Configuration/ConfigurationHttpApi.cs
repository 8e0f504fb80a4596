using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using ActorRuntime.Components.ConfigurationStores;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Configuration;

/// <summary>
/// Dapr's configuration HTTP API (<c>v1.0</c> and <c>v1.0-alpha1</c>): get, subscribe (changes are POSTed to the app at
/// <c>/configuration/{store}/{key}</c> with the whole update as the body) and unsubscribe.
/// </summary>
public static partial class ConfigurationHttpApi
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

    private static async Task SubscribeAsync(HttpContext http, string storeName, ConfigurationService configuration, IAppChannel appChannel, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(ConfigurationHttpApi));
        var id = await configuration.SubscribeAsync(storeName, Keys(http.Request), HttpRequestMetadata.FromQuery(http.Request),
            (subscription, items) => DeliverAsync(appChannel, logger, storeName, subscription, items), http.RequestAborted);
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

    // One POST per changed key, each carrying the whole update, as daprd sends them.
    private static async Task DeliverAsync(IAppChannel app, ILogger logger, string store, string subscription, IReadOnlyDictionary<string, ConfigurationItem> items)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", subscription);
            w.WritePropertyName("items");
            WriteItems(w, items);
            w.WriteEndObject();
        }
        foreach (var key in items.Keys)
        {
            using var slot = await app.EnterAsync(CancellationToken.None);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app.BaseAddress, $"/configuration/{Uri.EscapeDataString(store)}/{Uri.EscapeDataString(key)}"))
            {
                Content = new ReadOnlyMemoryContent(buffer.WrittenMemory.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            try
            {
                using var response = await app.SendAsync(request, CancellationToken.None);
                if (!response.IsSuccessStatusCode) LogDeliveryFailed(logger, store, key, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception ex)
            {
                LogDeliveryFailed(logger, store, key, ex.Message);
            }
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration update for {Store}/{Key} was not accepted by the app: {Problem}")]
    private static partial void LogDeliveryFailed(ILogger logger, string store, string key, string problem);
}
