using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ActorRuntime.Bench.Targets;

/// <summary>
/// Where the traced runtimes export to in the <c>tracing</c> scenario: a Kestrel endpoint in this process taking
/// Zipkin v2 JSON (<c>POST /api/v2/spans</c>) and counting the spans, so the export's whole cost is paid (serialising,
/// sending) and the report can say how many spans a row produced.
/// </summary>
internal sealed class ZipkinReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _spans;

    private ZipkinReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }
    public long Spans => Interlocked.Read(ref _spans);
    public string EndpointAddress => $"http://127.0.0.1:{Port}/api/v2/spans";

    public static async Task<ZipkinReceiver> StartAsync()
    {
        var port = BenchApps.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "actorrt-bench-zipkin" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        ZipkinReceiver? self = null;
        app.MapPost("/api/v2/spans", async (HttpContext http) =>
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body);
            Interlocked.Add(ref self!._spans, doc.RootElement.GetArrayLength());
            return Results.Accepted();
        });
        self = new ZipkinReceiver(app, port);
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
