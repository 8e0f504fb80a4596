// Service invocation with the Dapr .NET SDK: DaprClient reads DAPR_HTTP_PORT / DAPR_GRPC_PORT (set by `actorrt run`
// or `dapr run`) and InvokeMethodAsync calls POST /v1.0/invoke/order-processor/method/orders on the sidecar.
using System.Globalization;
using System.Text.Json;
using Dapr.Client;

var orderCount = IntFromEnv("ORDER_COUNT", 10);
var interval = TimeSpan.FromMilliseconds(IntFromEnv("ORDER_INTERVAL_MS", 1000));

using var client = new DaprClientBuilder().Build();

var failures = 0;
for (var i = 1; i <= orderCount; i++)
{
    var order = new Order(i);
    try
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var echoed = await client.InvokeMethodAsync<Order, Order>(HttpMethod.Post, "order-processor", "orders", order, cts.Token);
        Console.WriteLine("Order passed: " + JsonSerializer.Serialize(echoed));
    }
    catch (Exception ex) when (ex is InvocationException or HttpRequestException or OperationCanceledException)
    {
        failures++;
        Console.Error.WriteLine($"Order {i} failed: {ex.Message}");
    }
    if (i < orderCount) await Task.Delay(interval);
}
return failures == 0 ? 0 : 1;

static int IntFromEnv(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : fallback;

internal sealed record Order(int orderId);
