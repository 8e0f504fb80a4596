using System.Net;
using ActorRuntime.Components.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace ActorRuntime.Gateway.Observability;

/// <summary>
/// The process's Prometheus endpoint (<c>GET /metrics</c>) on a Kestrel server of its own, as daprd serves metrics on
/// a port apart from its API: Dapr's instruments of every app in the process, Orleans' meters and the .NET runtime's.
/// </summary>
/// <remarks>
/// Names on the wire are Dapr's exactly: the exporter adds neither unit suffixes nor <c>_total</c> (the Dapr names that
/// end in <c>_total</c> carry it themselves), and scope/target labels that daprd does not emit are off.
/// </remarks>
public sealed partial class MetricsEndpoint(IOptions<MetricsOptions> options, ILogger<MetricsEndpoint> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>How many ports after 9090 are tried before any free port is taken.</summary>
    private const int PortsToTry = 20;

    /// <summary>Meters beyond Dapr's: Orleans' own and the .NET runtime's (GC, thread pool, exceptions).</summary>
    public static readonly string[] ExtraMeters = ["Microsoft.Orleans", "System.Runtime"];

    private WebApplication? _server;

    /// <summary>The bound port once started; 0 when metrics are off.</summary>
    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled) return;
        var address = IPAddress.Parse(o.Address);
        if (o.Port is { } fixedPort)
        {
            _server = await StartOnAsync(address, fixedPort, o, cancellationToken);
            Port = fixedPort == 0 ? BoundPort(_server) : fixedPort;
        }
        else
        {
            for (var port = MetricsOptions.DefaultPort; _server is null && port <= MetricsOptions.DefaultPort + PortsToTry; port++)
            {
                try
                {
                    _server = await StartOnAsync(address, port, o, cancellationToken);
                    Port = port;
                }
                catch (IOException)
                {
                    // another runtime (or anything else) has it: daprd's default port is per machine, ours moves on
                }
            }
            if (_server is null)
            {
                _server = await StartOnAsync(address, 0, o, cancellationToken);
                Port = BoundPort(_server);
            }
            if (Port != MetricsOptions.DefaultPort) LogPortMoved(MetricsOptions.DefaultPort, Port);
        }
        LogListening($"http://{o.Address}:{Port}/metrics");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null) await _server.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    private static async Task<WebApplication> StartOnAsync(IPAddress address, int port, MetricsOptions o, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "actorrt-metrics" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(address, port);
        });
        builder.Services.AddOpenTelemetry().WithMetrics(m =>
        {
            m.AddMeter(DaprMeter.Name);
            m.AddMeter(ExtraMeters);
            m.AddRuntimeInstrumentation();
            if (o.LatencyBuckets.Count > 0)
            {
                var boundaries = o.LatencyBuckets.ToArray();
                m.AddView(i => i.Meter.Name == DaprMeter.Name && i is System.Diagnostics.Metrics.Histogram<double>
                    ? new ExplicitBucketHistogramConfiguration { Boundaries = boundaries }
                    : null);
            }
            m.AddPrometheusExporter(p =>
            {
                p.DisableTotalNameSuffixForCounters = true;
                p.TranslationStrategy = PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
                p.ScopeInfoEnabled = false;
                p.TargetInfoEnabled = false;
                p.ScrapeResponseCacheDurationMilliseconds = 0;
            });
        });
        var app = builder.Build();
        // Always the Prometheus text format, as daprd serves: OpenMetrics would require "_total" on Dapr's counter names.
        app.Use((http, next) =>
        {
            http.Request.Headers.Accept = "text/plain; version=0.0.4";
            return next(http);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        try
        {
            await app.StartAsync(ct);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static int BoundPort(WebApplication app) =>
        new Uri(app.Urls.First()).Port;

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics: Prometheus endpoint at {Url}")]
    private partial void LogListening(string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics: port {Default} is taken, using {Port}")]
    private partial void LogPortMoved(int @default, int port);
}
