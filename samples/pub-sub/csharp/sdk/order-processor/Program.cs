// Pub/sub quickstart, .NET SDK subscriber: [Topic("orderpubsub", "orders")] on POST /orders; MapSubscribeHandler
// serves GET /dapr/subscribe from the attributes, and UseCloudEvents unwraps the CloudEvent so the route binds the
// event's data as an Order.
using System.Text.Json.Serialization;
using Dapr;

var builder = WebApplication.CreateBuilder(args);
// Listen on the port the runtime was given (APP_PORT), so the run file's appPort is the only place it is set.
builder.WebHost.UseUrls($"http://localhost:{Environment.GetEnvironmentVariable("APP_PORT") ?? "7006"}");
var app = builder.Build();

app.UseCloudEvents();
app.MapSubscribeHandler();

app.MapPost("/orders", [Topic("orderpubsub", "orders")] (Order order) =>
{
    Console.WriteLine("Subscriber received : " + order);
    return Results.Ok(order);
});

await app.RunAsync();

internal sealed record Order([property: JsonPropertyName("orderId")] int OrderId);
