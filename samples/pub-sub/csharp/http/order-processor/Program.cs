// Pub/sub quickstart, .NET over plain HTTP subscriber: GET /dapr/subscribe declares the subscription (orderpubsub /
// orders → route /orders) and the runtime POSTs each event as a CloudEvent (application/cloudevents+json) to /orders.
using System.Text.Json.Serialization;

var builder = WebApplication.CreateBuilder(args);
// Listen on the port the runtime was given (APP_PORT), so the run file's appPort is the only place it is set.
builder.WebHost.UseUrls($"http://localhost:{Environment.GetEnvironmentVariable("APP_PORT") ?? "7005"}");
var app = builder.Build();

app.MapGet("/dapr/subscribe", () => new[] { new Subscription("orderpubsub", "orders", "orders") });

// The body is the whole CloudEvent; the order is its "data". Minimal APIs read any application/*+json body.
app.MapPost("/orders", (CloudEvent<Order> cloudEvent) =>
{
    Console.WriteLine("Subscriber received : " + cloudEvent.Data);
    return Results.Ok(cloudEvent.Data);
});

await app.RunAsync();

internal sealed record Order([property: JsonPropertyName("orderId")] int OrderId);

internal sealed record CloudEvent<T>([property: JsonPropertyName("data")] T Data);

internal sealed record Subscription(
    [property: JsonPropertyName("pubsubname")] string PubSubName,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("route")] string Route);
