using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ActorRuntime.Bench.Targets;

/// <summary>
/// The subscriber of the <c>pubsub</c> scenario: a Kestrel app in this process that answers <c>GET /dapr/subscribe</c>
/// with one subscription per pub/sub component, and on <c>POST /events</c> reads <c>data.n</c> of the CloudEvent and
/// completes the waiter registered for that number, so a publisher can measure publish-to-delivery.
/// </summary>
internal sealed class SubscriberApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();
    private long _delivered;

    private SubscriberApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Registers event <paramref name="n"/>; the task completes when it arrives.</summary>
    public Task Expect(long n)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[n] = tcs;
        return tcs.Task;
    }

    public void Arrived(long n)
    {
        Interlocked.Increment(ref _delivered);
        if (_waiting.TryRemove(n, out var tcs)) tcs.TrySetResult();
    }

    public static async Task<SubscriberApp> StartAsync(IReadOnlyList<(string PubSub, string Topic)> subscriptions)
    {
        var port = BenchApps.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "actorrt-bench-subscriber" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        SubscriberApp? self = null;
        var subscribe = Encoding.UTF8.GetBytes("[" + string.Join(",", subscriptions.Select(s =>
            $$"""{"pubsubname":"{{s.PubSub}}","topic":"{{s.Topic}}","route":"/events"}""")) + "]");
        app.MapGet("/dapr/subscribe", async (HttpContext http) =>
        {
            http.Response.ContentType = "application/json";
            await http.Response.Body.WriteAsync(subscribe);
        });
        app.MapPost("/events", async (HttpContext http) =>
        {
            var body = await BenchApps.ReadBodyAsync(http.Request);
            using var doc = JsonDocument.Parse(body);
            self!.Arrived(doc.RootElement.GetProperty("data").GetProperty("n").GetInt64());
            http.Response.StatusCode = StatusCodes.Status200OK;
        });
        self = new SubscriberApp(app, port);
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
