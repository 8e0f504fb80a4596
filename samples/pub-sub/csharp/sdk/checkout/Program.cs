// Pub/sub quickstart, .NET SDK publisher: sends orders 1..10, one a second, to topic "orders" of the pubsub
// "orderpubsub" with DaprClient.PublishEventAsync (gRPC to the runtime on DAPR_GRPC_PORT).
using System.Text.Json.Serialization;
using Dapr.Client;

const string PubSubName = "orderpubsub";
const string Topic = "orders";
const int OrderCount = 10;

using var client = new DaprClientBuilder().Build();

for (var orderId = 1; orderId <= OrderCount; orderId++)
{
    var order = new Order(orderId);
    await client.PublishEventAsync(PubSubName, Topic, order);
    Console.WriteLine("Published data: " + order);
    await Task.Delay(TimeSpan.FromSeconds(1));
}

internal sealed record Order([property: JsonPropertyName("orderId")] int OrderId);
