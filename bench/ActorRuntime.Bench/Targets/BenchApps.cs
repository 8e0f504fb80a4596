using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ActorRuntime.Bench.Targets;

/// <summary>
/// App B of the <c>invoke</c> scenario: a Kestrel server in this process (HTTP/1.1, slim builder, no logging) whose
/// <c>POST /echo</c> returns the request body (a small JSON object) with 200. It is both the direct baseline's target
/// and the app behind gateway B.
/// </summary>
internal sealed class EchoApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _calls;

    private EchoApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public long Calls => Interlocked.Read(ref _calls);

    public static async Task<EchoApp> StartAsync()
    {
        var port = BenchApps.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "actorrt-bench-echo" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        EchoApp? self = null;
        app.MapGet("/healthz", static () => Results.Ok());
        app.MapPost("/echo", async (HttpContext http) =>
        {
            Interlocked.Increment(ref self!._calls);
            var body = await BenchApps.ReadBodyAsync(http.Request);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body);
        });
        self = new EchoApp(app, port);
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// The actor host of the <c>actors</c> scenario, implementing Dapr's app side of the actor contract:
/// <c>GET /dapr/config</c> → <c>{"entities":["BenchActor"],...}</c>; <c>PUT /actors/BenchActor/{id}/method/{m}</c> → 200
/// and a small body; <c>PUT .../method/remind/{name}</c> (reminder firing) → 200, arrival time recorded;
/// <c>DELETE /actors/BenchActor/{id}</c> (deactivation) → 200. It counts calls, and checks turn-based access: a call on
/// an id that already has a call in progress (from the start of reading its request to the end of writing its answer)
/// is counted as a turn violation. Nothing else is done, so the app costs as little as Kestrel allows.
/// </summary>
internal sealed class ActorApp : IAsyncDisposable
{
    public const string ActorType = "BenchActor";
    private static readonly byte[] Answer = Encoding.UTF8.GetBytes("{\"ok\":true}");
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, StrongBox> _inFlight = new(StringComparer.Ordinal);
    private long _calls, _violations, _deactivations, _firings;

    private ActorApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public long Calls => Interlocked.Read(ref _calls);
    public long TurnViolations => Interlocked.Read(ref _violations);
    public long Deactivations => Interlocked.Read(ref _deactivations);
    public long ReminderFirings => Interlocked.Read(ref _firings);
    public int DistinctIds => _inFlight.Count;

    /// <summary>First arrival of a reminder firing per actor id (Stopwatch timestamp).</summary>
    public ConcurrentDictionary<string, long> FirstFiring { get; } = new(StringComparer.Ordinal);

    public static async Task<ActorApp> StartAsync()
    {
        var port = BenchApps.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "actorrt-bench-actors" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1AndHttp2);
        });
        var app = builder.Build();
        var self = new ActorApp(app, port);
        // Idle timeout 1 h: activations made for the memory measurement must stay while it is read.
        var config = Encoding.UTF8.GetBytes($"{{\"entities\":[\"{ActorType}\"],\"actorIdleTimeout\":\"1h\",\"actorScanInterval\":\"30s\"}}");
        app.MapGet("/healthz", static () => Results.Ok());
        app.MapGet("/dapr/config", async (HttpContext http) =>
        {
            http.Response.ContentType = "application/json";
            await http.Response.Body.WriteAsync(config);
        });
        app.MapPut($"/actors/{ActorType}/{{id}}/method/{{**method}}", (HttpContext http, string id, string method) => self.OnMethodAsync(http, id, method));
        app.MapDelete($"/actors/{ActorType}/{{id}}", (string id) =>
        {
            Interlocked.Increment(ref self._deactivations);
            return Results.Ok();
        });
        await app.StartAsync();
        return self;
    }

    private async Task OnMethodAsync(HttpContext http, string id, string method)
    {
        var now = Stopwatch.GetTimestamp();
        var slot = _inFlight.GetOrAdd(id, static _ => new StrongBox());
        if (Interlocked.Increment(ref slot.Value) > 1) Interlocked.Increment(ref _violations);
        try
        {
            if (method.StartsWith("remind/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _firings);
                FirstFiring.TryAdd(id, now);
            }
            else
            {
                Interlocked.Increment(ref _calls);
            }
            await BenchApps.ReadBodyAsync(http.Request);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = Answer.Length;
            await http.Response.Body.WriteAsync(Answer);
        }
        finally
        {
            Interlocked.Decrement(ref slot.Value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class StrongBox
    {
        public int Value;
    }
}

internal static class BenchApps
{
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Reads a (small) request body completely.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var ms = new MemoryStream(request.ContentLength is > 0 and < 1 << 20 ? (int)request.ContentLength : 256);
        await request.Body.CopyToAsync(ms);
        return ms.ToArray();
    }
}
