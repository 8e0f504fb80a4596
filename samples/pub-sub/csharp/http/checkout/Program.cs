// Pub/sub quickstart, .NET over plain HTTP publisher: POSTs orders 1..10, one a second, to
// /v1.0/publish/orderpubsub/orders on the runtime (DAPR_HTTP_PORT) with HttpClient.
using System.Net.Http.Json;
using System.Text.Json.Serialization;

const string PubSubName = "orderpubsub";
const string Topic = "orders";
const int OrderCount = 10;

var daprHost = Environment.GetEnvironmentVariable("DAPR_HOST") ?? "http://localhost";
var daprPort = Environment.GetEnvironmentVariable("DAPR_HTTP_PORT") ?? "3500";
using var http = new HttpClient { BaseAddress = new Uri($"{daprHost}:{daprPort}") };

for (var orderId = 1; orderId <= OrderCount; orderId++)
{
    var order = new Order(orderId);
    using var response = await http.PostAsJsonAsync($"/v1.0/publish/{PubSubName}/{Topic}", order);
    // 204 means the broker has the event; anything else carries Dapr's error body, worth showing as it is.
    if (!response.IsSuccessStatusCode)
        throw new InvalidOperationException($"publish answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    Console.WriteLine("Published data: " + order);
    await Task.Delay(TimeSpan.FromSeconds(1));
}

internal sealed record Order([property: JsonPropertyName("orderId")] int OrderId);
