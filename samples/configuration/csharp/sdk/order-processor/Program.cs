using System.Text.Json;
using Dapr.Client;

// Dapr's configuration quickstart: read two items, then print every change for a while.
const string ConfigurationStore = "configstore";
string[] items = ["orderId1", "orderId2"];
var seconds = int.TryParse(Environment.GetEnvironmentVariable("QUICKSTART_SECONDS"), out var s) ? s : 20;

using var client = new DaprClientBuilder().Build();
var config = await client.GetConfiguration(ConfigurationStore, items);
foreach (var (key, item) in config.Items)
    Console.WriteLine($"Configuration for {key}: {JsonSerializer.Serialize(item)}");

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
var subscription = await client.SubscribeConfiguration(ConfigurationStore, items, cancellationToken: stop.Token);
try
{
    await foreach (var changed in subscription.Source.WithCancellation(stop.Token))
    {
        if (changed.Count == 0) continue;
        Console.WriteLine($"App subscribed to config changes with subscription id: {subscription.Id}");
        foreach (var (key, item) in changed)
            Console.WriteLine($"Configuration update {{\"{key}\":{JsonSerializer.Serialize(item)}}}");
    }
}
catch (OperationCanceledException)
{
}
catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Cancelled)
{
}
if (!string.IsNullOrEmpty(subscription.Id)) await client.UnsubscribeConfiguration(ConfigurationStore, subscription.Id);
Console.WriteLine("App unsubscribed from config changes");
