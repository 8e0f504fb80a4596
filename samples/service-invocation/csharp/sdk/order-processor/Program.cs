// The invoked app: a plain ASP.NET Core minimal API. The sidecar calls POST /orders on APP_PORT (default 7001).
using System.Text.Json;

var port = Environment.GetEnvironmentVariable("APP_PORT") ?? "7001";
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
var app = builder.Build();

app.MapPost("/orders", (Order order) =>
{
    Console.WriteLine("Order received : " + JsonSerializer.Serialize(order));
    return Results.Ok(order);
});

app.Run();

internal sealed record Order(int orderId);
