using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using ActorRuntime.Components.ConfigurationStores;
using ActorRuntime.Gateway.AppChannel;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Configuration;

/// <summary>Delivers an HTTP subscription's changes to the app: one POST to <c>/configuration/{store}/{key}</c> per changed key, each carrying the whole update, as daprd sends them.</summary>
public sealed partial class ConfigurationDelivery(IAppChannel app, ILogger<ConfigurationDelivery> logger)
{
    public async Task DeliverAsync(string store, string subscription, IReadOnlyDictionary<string, ConfigurationItem> items)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", subscription);
            w.WritePropertyName("items");
            ConfigurationHttpApi.WriteItems(w, items);
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
                if (!response.IsSuccessStatusCode) LogDeliveryFailed(store, key, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception ex)
            {
                LogDeliveryFailed(store, key, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration update for {Store}/{Key} was not accepted by the app: {Problem}")]
    private partial void LogDeliveryFailed(string store, string key, string problem);
}
