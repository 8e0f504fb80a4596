// An app that tells the caller exactly what it received, for the service-invocation end-to-end tests.
//   any verb, any path     -> 200 {instance, method, path, query, headers, body, bodyLength}
//   /status/{code}         -> that status, with the same JSON as body
//   /slow/{ms}             -> waits, then echoes
//   /flaky/{key}?failures=N-> 500 for the first N calls per key, then echoes
//   /large                 -> {bodyLength} only (no body echo)
//   /respond-with-hop-by-hop -> echoes, with hop-by-hop response headers (which the sidecar must strip)
//   GET /hits/{**path}     -> {path, hits}: how many requests reached that path (not counting /hits itself)
//   GET /hits              -> every path's count
// Listens on APP_PORT (set by `actorrt run --app-port` / `dapr run`). Each response carries `instance` =
// "<APP_ID>:<pid>" so load-balancing tests can tell instances of one app id apart.
using System.Collections.Concurrent;
using System.Diagnostics;

var port = Environment.GetEnvironmentVariable("APP_PORT") ?? "8080";
var instance = $"{Environment.GetEnvironmentVariable("APP_ID") ?? "echo"}:{Environment.ProcessId}";

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 256L * 1024 * 1024);
var app = builder.Build();

var hits = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
var flaky = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

app.Run(async context =>
{
    var request = context.Request;
    var path = request.Path.Value ?? "/";
    if (HttpMethods.IsGet(request.Method) && (path == "/hits" || path.StartsWith("/hits/", StringComparison.Ordinal)))
    {
        if (path == "/hits")
        {
            await context.Response.WriteAsJsonAsync(hits.ToDictionary(kv => kv.Key, kv => kv.Value), AppJson.Default.DictionaryStringInt32);
            return;
        }
        var target = path["/hits".Length..];
        await context.Response.WriteAsJsonAsync(new HitCount(target, hits.GetValueOrDefault(target)), AppJson.Default.HitCount);
        return;
    }
    hits.AddOrUpdate(path, 1, (_, n) => n + 1);

    var segments = path.Trim('/').Split('/');
    var status = 200;
    var echoBody = true;
    switch (segments[0])
    {
        case "status" when segments.Length > 1 && int.TryParse(segments[1], out var code) && code is >= 200 and <= 599:
            status = code;
            break;
        case "slow" when segments.Length > 1 && int.TryParse(segments[1], out var ms):
            await Task.Delay(Math.Clamp(ms, 0, 120_000), context.RequestAborted);
            break;
        case "flaky" when segments.Length > 1:
            var failures = int.TryParse(request.Query["failures"], out var f) ? f : 1;
            var calls = flaky.AddOrUpdate(segments[1], 1, (_, n) => n + 1);
            if (calls <= failures) status = 500;
            break;
        case "respond-with-hop-by-hop":
            // Hop-by-hop response headers a proxy must not pass on (Dapr's integration test "hopbyhop").
            context.Response.Headers["Keep-Alive"] = "timeout=5";
            context.Response.Headers["Proxy-Connection"] = "keep-alive";
            context.Response.Headers["HTTP2-Settings"] = "AAMAAABkAAQAAP__";
            context.Response.Headers["Proxy-Authenticate"] = "Basic realm=test";
            context.Response.Headers["Proxy-Authorization"] = "Basic dGVzdDp0ZXN0";
            context.Response.Headers["TE"] = "trailers";
            context.Response.Headers["X-Custom-Response"] = "should-be-forwarded";
            break;
        case "large":
            echoBody = false;
            break;
    }

    // Read the whole body (also for /large, so its length is known).
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer, context.RequestAborted);
    var bodyLength = buffer.Length;
    var body = echoBody ? System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) : null;

    var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    foreach (var (name, values) in request.Headers) headers[name] = values.ToString();

    Console.WriteLine($"{instance} {request.Method} {path}{request.QueryString} -> {status}");
    context.Response.StatusCode = status;
    context.Response.Headers["x-echo-instance"] = instance;
    // Hand the trace context back so a caller can compare it with what it sent (also what Dapr does on responses).
    if (request.Headers.TryGetValue("traceparent", out var tp)) context.Response.Headers["x-echo-traceparent"] = tp.ToString();
    var echo = new Echo(instance, request.Method, path, request.QueryString.Value ?? "", headers, body, bodyLength, status);
    await context.Response.WriteAsJsonAsync(echo, AppJson.Default.Echo);
});

app.Run();

internal sealed record Echo(
    string Instance, string Method, string Path, string Query, Dictionary<string, string> Headers, string? Body, long BodyLength, int Status);

internal sealed record HitCount(string Path, int Hits);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Echo))]
[System.Text.Json.Serialization.JsonSerializable(typeof(HitCount))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class AppJson : System.Text.Json.Serialization.JsonSerializerContext;
