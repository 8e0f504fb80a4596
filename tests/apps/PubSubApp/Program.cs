// A Dapr.AspNetCore subscriber for the pub/sub end-to-end tests, written as a Dapr user writes one: minimal-API
// handlers with WithTopic, UseCloudEvents and MapSubscribeHandler (which serves GET /dapr/subscribe).
//   orders        -> /orders: records {seq, key}; fails (500, then {"status":"RETRY"}) while data.fail > attempts so far;
//                    waits data.delayMs first
//   poison        -> /poison: always {"status":"RETRY"}; dead-letter topic poison-dead -> /poison-dead records
//   dropme        -> /dropme: {"status":"DROP"}
//   routed        -> /routed/special when event.type == "special", else /routed/default
//   /raw/capture  -> records the whole body and content type (no SDK unwrapping; for declarative subscriptions)
//   bulk          -> /bulk (WithBulkSubscribe, 20 per batch, 500 ms): BulkSubscribeMessage/BulkSubscribeAppResponse; records
//                    each entry with its batch id and size; per entry RETRY while data.fail > attempts, DROP when data.drop,
//                    no status at all on the first attempt when data.omit
//   GET /bulk-envelope -> the last bulk request body as it came
//   GET /received -> every record: {route, seq, key, instance, at, body, contentType}
// Listens on APP_PORT; PUBSUB_NAME names the component (default "pubsub"); TOPIC_PREFIX prefixes every topic;
// RECORD_FILE, when set, also gets every record as a JSON line.
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.AspNetCore;

var port = Environment.GetEnvironmentVariable("APP_PORT") ?? "8080";
var instance = $"{Environment.GetEnvironmentVariable("APP_ID") ?? "pubsub-app"}:{Environment.ProcessId}";
var pubsub = Environment.GetEnvironmentVariable("PUBSUB_NAME") ?? "pubsub";
// Topic names get this prefix, so runs sharing one Redis never see each other's streams.
var prefix = Environment.GetEnvironmentVariable("TOPIC_PREFIX") ?? "";
// When set, every record is also appended here as a JSON line: it outlives the app (crash tests).
var recordFile = Environment.GetEnvironmentVariable("RECORD_FILE");

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Services.AddDaprClient();
var app = builder.Build();

var records = new ConcurrentQueue<JsonObject>();
var attempts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

app.UseWhen(c => !c.Request.Path.StartsWithSegments("/raw"), b => b.UseCloudEvents());

void Record(string route, JsonNode? data, string? body = null, string? contentType = null, JsonObject? extra = null)
{
    var r = new JsonObject
    {
        ["route"] = route,
        ["seq"] = data?["seq"]?.DeepClone(),
        ["key"] = data?["key"]?.DeepClone(),
        ["instance"] = instance,
        ["at"] = DateTime.UtcNow.Ticks, // one machine, one clock: orders records across instances
    };
    if (body is not null) r["body"] = body;
    if (contentType is not null) r["contentType"] = contentType;
    foreach (var (k, v) in extra ?? []) r[k] = v?.DeepClone();
    records.Enqueue(r);
    if (recordFile is not null)
        lock (records) File.AppendAllText(recordFile, r.ToJsonString() + "\n");
}

async Task<JsonNode?> ReadData(HttpRequest request)
{
    using var reader = new StreamReader(request.Body);
    var text = await reader.ReadToEndAsync();
    return text.Length == 0 ? null : JsonNode.Parse(text);
}

app.MapPost("/orders", async (HttpRequest request) =>
{
    var data = await ReadData(request);
    var id = $"{data?["key"]}/{data?["seq"]}";
    var attempt = attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
    var fail = data?["fail"]?.GetValue<int>() ?? 0;
    if (data?["delayMs"]?.GetValue<int>() is int delay and > 0) await Task.Delay(delay);
    if (attempt <= fail)
        return attempt % 2 == 1 ? Results.StatusCode(500) : Results.Json(new { status = "RETRY" });
    Record("/orders", data);
    return Results.Json(new { status = "SUCCESS" });
}).WithTopic(pubsub, prefix + "orders");

app.MapPost("/poison", async (HttpRequest request) =>
{
    Record("/poison", await ReadData(request));
    return Results.Json(new { status = "RETRY" });
}).WithTopic(new TopicOptions { PubsubName = pubsub, Name = prefix + "poison", DeadLetterTopic = prefix + "poison-dead" });

app.MapPost("/poison-dead", async (HttpRequest request) =>
{
    Record("/poison-dead", await ReadData(request));
    return Results.Ok();
}).WithTopic(pubsub, prefix + "poison-dead");

app.MapPost("/dropme", async (HttpRequest request) =>
{
    Record("/dropme", await ReadData(request));
    return Results.Json(new { status = "DROP" });
}).WithTopic(pubsub, prefix + "dropme");

app.MapPost("/routed/special", async (HttpRequest request) =>
{
    Record("/routed/special", await ReadData(request));
    return Results.Ok();
}).WithTopic(new TopicOptions { PubsubName = pubsub, Name = prefix + "routed", Match = "event.type == \"special\"", Priority = 1 });

app.MapPost("/routed/default", async (HttpRequest request) =>
{
    Record("/routed/default", await ReadData(request));
    return Results.Ok();
}).WithTopic(pubsub, prefix + "routed");

app.MapPost("/raw/capture", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    var body = await reader.ReadToEndAsync();
    JsonNode? data = null;
    try { data = JsonNode.Parse(body)?["data"]; } catch (JsonException) { }
    Record("/raw/capture", data is JsonObject ? data : null, body, request.ContentType);
    return Results.Ok();
});

string? lastEnvelope = null;
app.MapPost("/bulk", async (HttpRequest request) =>
{
    using var reader = new StreamReader(request.Body);
    var text = await reader.ReadToEndAsync();
    lastEnvelope = text;
    // Bound the way the SDK's users bind it.
    var message = JsonSerializer.Deserialize<BulkSubscribeMessage<JsonElement>>(text, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    var batch = Guid.NewGuid().ToString("N");
    var statuses = new List<BulkSubscribeAppResponseEntry>();
    foreach (var entry in message.Entries)
    {
        var data = JsonNode.Parse(entry.Event.GetProperty("data").GetRawText());
        var id = $"bulk/{data?["key"]}/{data?["seq"]}";
        var attempt = attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
        if (data?["omit"]?.GetValue<bool>() == true && attempt == 1) continue; // no status: the runtime must retry it
        if (attempt <= (data?["fail"]?.GetValue<int>() ?? 0))
        {
            statuses.Add(new BulkSubscribeAppResponseEntry(entry.EntryId, BulkSubscribeAppResponseStatus.RETRY));
            continue;
        }
        var drop = data?["drop"]?.GetValue<bool>() == true;
        var r = new JsonObject { ["batch"] = batch, ["size"] = message.Entries.Count, ["entryId"] = entry.EntryId, ["contentType"] = entry.ContentType, ["dropped"] = drop };
        Record("/bulk", data, extra: r);
        statuses.Add(new BulkSubscribeAppResponseEntry(entry.EntryId, drop ? BulkSubscribeAppResponseStatus.DROP : BulkSubscribeAppResponseStatus.SUCCESS));
    }
    return Results.Json(new BulkSubscribeAppResponse(statuses));
}).WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = prefix + "bulk", MaxMessagesCount = 20, MaxAwaitDurationMs = 500 })
  .WithTopic(pubsub, prefix + "bulk");

app.MapGet("/bulk-envelope", () => Results.Text(lastEnvelope ?? "", "application/json"));

app.MapGet("/received", () => Results.Json(new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())])));
app.MapSubscribeHandler();
app.Run();
