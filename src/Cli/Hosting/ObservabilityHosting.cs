using System.Net;
using ActorRuntime.Components.Configuration;
using ActorRuntime.Gateway.Observability;
using Orleans.Dashboard;

namespace ActorRuntime.Cli.Hosting;

/// <summary>
/// How a runtime process gets its metrics endpoint and, for a silo, the Orleans dashboard. One metrics endpoint per
/// process (every app of an <c>actorrt run</c> shares it, told apart by <c>app_id</c>), like one per daprd.
/// </summary>
internal static class ObservabilityHosting
{
    /// <summary>
    /// Adds the Prometheus endpoint unless <c>--enable-metrics=false</c> or the Configuration file's
    /// <c>spec.metrics.enabled: false</c> turns it off.
    /// </summary>
    public static void AddMetrics(IServiceCollection services, bool enabled, int? port, string listenAddress, string? configFile)
    {
        var spec = configFile is not null && File.Exists(configFile) ? RuntimeConfigurationLoader.Load(configFile).Metrics : MetricsSpec.Default;
        services.AddActorRuntimeMetrics(o =>
        {
            o.Enabled = enabled && spec.Enabled;
            o.Port = port;
            o.Address = MetricsAddress(listenAddress);
            o.LatencyBuckets = spec.LatencyDistributionBuckets;
        });
    }

    /// <summary>Loopback unless the API itself listens on a given IP (inside a container, say), where scrapers come from.</summary>
    private static string MetricsAddress(string listenAddress) =>
        listenAddress is "localhost" or "" || !IPAddress.TryParse(listenAddress, out _) ? "127.0.0.1" : listenAddress;

    /// <summary>
    /// The silo's host: a web host when the dashboard is on (it is served by ASP.NET Core endpoints that need the silo's
    /// services), else a plain host that opens no port of its own.
    /// </summary>
    /// <param name="defaults">Read appsettings.json and environment variables (<c>actorrt silo</c>); off for <c>actorrt run</c>,
    /// whose working folder is the app's.</param>
    public static IHostApplicationBuilder CreateSiloBuilder(string name, int? dashboardPort, bool defaults, out Func<IHost> build)
    {
        if (dashboardPort is not { } port)
        {
            var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = name, DisableDefaults = !defaults });
            build = plain.Build;
            return plain;
        }
        var options = new WebApplicationOptions { ApplicationName = name };
        var web = defaults ? WebApplication.CreateSlimBuilder(options) : WebApplication.CreateEmptyBuilder(options);
        if (!defaults)
        {
            web.WebHost.UseKestrelCore();
            web.Services.AddRoutingCore();
        }
        // Loopback only: the dashboard has no authentication and shows every grain of the cluster.
        web.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
        });
        build = () =>
        {
            var app = web.Build();
            app.MapOrleansDashboard();
            return app;
        };
        return web;
    }

    /// <summary>Adds the dashboard's grains and telemetry to a silo when <paramref name="dashboardPort"/> is set.</summary>
    public static void AddDashboard(ISiloBuilder silo, int? dashboardPort)
    {
        if (dashboardPort is null) return;
        silo.AddDashboard(o => o.CounterUpdateIntervalMs = 1000);
    }

    public static string DashboardUrl(int port) => $"http://127.0.0.1:{port}/";
}
