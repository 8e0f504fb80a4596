// Bindings quickstart, C# over plain HTTP: the cron input binding posts to /cron every 10 s; each batch inserts the
// orders of ../../../orders.json through the PostgreSQL output binding `sqldb` with
// POST http://localhost:{DAPR_HTTP_PORT}/v1.0/bindings/sqldb {"operation":"exec","metadata":{"sql":...}}.
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

const string CronBindingName = "cron";
const string SqlBindingName = "sqldb";
var daprUrl = $"http://localhost:{Environment.GetEnvironmentVariable("DAPR_HTTP_PORT") ?? "3500"}/v1.0/bindings/{SqlBindingName}";

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://localhost:{Environment.GetEnvironmentVariable("APP_PORT") ?? "7001"}");
var app = builder.Build();
using var http = new HttpClient();

app.MapPost("/" + CronBindingName, async () =>
{
    Console.WriteLine("Processing batch..");
    var orders = JsonSerializer.Deserialize<Orders>(await File.ReadAllTextAsync("../../../orders.json"))!;
    foreach (var order in orders.Items)
    {
        var sql = $"insert into orders (orderid, customer, price) values ({order.OrderId}, '{order.Customer}', {order.Price.ToString(System.Globalization.CultureInfo.InvariantCulture)});";
        Console.WriteLine(sql);
        using var response = await http.PostAsJsonAsync(daprUrl, new { operation = "exec", metadata = new Dictionary<string, string> { ["sql"] = sql } });
        response.EnsureSuccessStatusCode();
    }
    Console.WriteLine("Finished processing batch");
    return Results.Ok();
});

await app.RunAsync();

internal sealed record Order([property: JsonPropertyName("orderid")] int OrderId, [property: JsonPropertyName("customer")] string Customer,
    [property: JsonPropertyName("price")] double Price);

internal sealed record Orders([property: JsonPropertyName("orders")] Order[] Items);
