// Service invocation over plain HTTP: each order is POSTed to this app's own sidecar (actorrt or daprd), which
// forwards it to the app named in the `dapr-app-id` header. No Dapr SDK needed.
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

var daprHost = Environment.GetEnvironmentVariable("DAPR_HOST") ?? "localhost";
var daprHttpPort = Environment.GetEnvironmentVariable("DAPR_HTTP_PORT") ?? "3500";
var orderCount = IntFromEnv("ORDER_COUNT", 10);
var interval = TimeSpan.FromMilliseconds(IntFromEnv("ORDER_INTERVAL_MS", 1000));

using var http = new HttpClient { BaseAddress = new Uri($"http://{daprHost}:{daprHttpPort}"), Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Add("dapr-app-id", "order-processor");

var failures = 0;
for (var i = 1; i <= orderCount; i++)
{
    var order = new Order(i);
    try
    {
        using var response = await http.PostAsJsonAsync("/orders", order);
        if (response.IsSuccessStatusCode)
        {
            Console.WriteLine("Order passed: " + JsonSerializer.Serialize(order));
        }
        else
        {
            failures++;
            Console.Error.WriteLine($"Order {i} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
    catch (HttpRequestException ex)
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
