// Bindings quickstart, .NET SDK: the cron input binding posts to /cron every 10 s (a minimal API POST route; the
// sidecar's OPTIONS probe gets 405, which tells it the route exists); each batch inserts the orders of
// ../../../orders.json through the PostgreSQL output binding `sqldb` with DaprClient.InvokeBindingAsync (exec).
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapr.Client;

const string CronBindingName = "cron";
const string SqlBindingName = "sqldb";

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://localhost:{Environment.GetEnvironmentVariable("APP_PORT") ?? "7002"}");
var app = builder.Build();
using var client = new DaprClientBuilder().Build();

app.MapPost("/" + CronBindingName, async () =>
{
    Console.WriteLine("Processing batch..");
    var orders = JsonSerializer.Deserialize<Orders>(await File.ReadAllTextAsync("../../../orders.json"))!;
    foreach (var order in orders.Items)
    {
        var sql = $"insert into orders (orderid, customer, price) values ({order.OrderId}, '{order.Customer}', {order.Price.ToString(System.Globalization.CultureInfo.InvariantCulture)});";
        Console.WriteLine(sql);
        await client.InvokeBindingAsync(SqlBindingName, "exec", "", new Dictionary<string, string> { ["sql"] = sql });
    }
    Console.WriteLine("Finished processing batch");
    return Results.Ok();
});

await app.RunAsync();

internal sealed record Order([property: JsonPropertyName("orderid")] int OrderId, [property: JsonPropertyName("customer")] string Customer,
    [property: JsonPropertyName("price")] double Price);

internal sealed record Orders([property: JsonPropertyName("orders")] Order[] Items);
