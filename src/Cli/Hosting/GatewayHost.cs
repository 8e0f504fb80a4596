using ActorRuntime.Cli.Commands;
using ActorRuntime.Components;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Model;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ActorRuntime.Cli.Hosting;

/// <summary>
/// One app's gateway: a Kestrel server with Dapr's HTTP API on one port and its gRPC API on another, calling
/// grains through the silo (or cluster client) it is given.
/// </summary>
internal static class GatewayHost
{
    /// <summary>
    /// A gateway co-hosted with a started silo: the cluster is there before the gateway is. The silo's cluster manifest
    /// tells the gateway which actor types are C# grains.
    /// </summary>
    public static WebApplication Build(RunOptions run, int httpPort, int grpcPort, IReadOnlyList<ComponentDefinition> components,
        ComponentCatalog catalog, IGrainFactory grains, Dictionary<string, string> extended, IClusterManifestProvider? manifests = null)
    {
        var app = Build(run, httpPort, grpcPort, components, catalog, extended, b =>
        {
            b.Services.AddSingleton(grains);
            if (manifests is not null) b.Services.AddSingleton(manifests);
        }, connectComponents: true);
        app.Services.GetRequiredService<RuntimeReadiness>().ClusterReady = true;
        return app;
    }

    /// <summary>A gateway whose grains live elsewhere; <paramref name="connectCluster"/> adds the Orleans client.</summary>
    public static WebApplication Build(RunOptions run, int httpPort, int grpcPort, IReadOnlyList<ComponentDefinition> components,
        ComponentCatalog catalog, Dictionary<string, string> extended, Action<WebApplicationBuilder> connectCluster, bool connectComponents)
    {
        var internalPort = run.InternalPort ?? 0; // 0: bound by Kestrel, number read back once started
        var apiToken = SecretFiles.Token("DAPR_API_TOKEN", run.DaprApiTokenFile, "dapr-api-token-file");
        var appApiToken = SecretFiles.Token("APP_API_TOKEN", run.AppApiTokenFile, "app-api-token-file");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "actorrt-gateway-" + run.AppId });
        // A gateway that connects no components fronts a cluster of its own silos (actorrt gateway): a cluster member.
        RuntimeLogging.Configure(builder.Logging, run.LogLevel, run.RuntimeLog, clusterMember: !connectComponents, json: run.LogAsJson, appId: run.AppId);
        if (PeerFor(run) is { } peer) builder.Services.AddSingleton(peer);
        connectCluster(builder);
        builder.Services.AddComponentCatalog(catalog);
        builder.Services.AddAppComponents(components, connectComponents);
        builder.Services.AddActorRuntimeGateway(o =>
        {
            o.AppId = run.AppId;
            o.AppPort = run.AppPort;
            o.AppProtocol = run.AppProtocol;
            o.AppChannelAddress = run.AppChannelAddress;
            o.HttpPort = httpPort;
            o.GrpcPort = grpcPort;
            o.MaxRequestBodyMegabytes = run.MaxRequestBodyMegabytes;
            o.AppMaxConcurrency = run.AppMaxConcurrency;
            o.Namespace = Environment.GetEnvironmentVariable("NAMESPACE");
            o.ExtendedMetadata = extended;
            o.ApiToken = apiToken;
            o.AppApiToken = appApiToken;
            o.ClusterSecret = run.ClusterSecret;
            o.InternalPort = internalPort;
            o.AdvertisedHost = run.AdvertisedAddress ?? (run.ListenAddress is "localhost" or "" or "0.0.0.0" or "::" ? "127.0.0.1" : run.ListenAddress);
            o.AppHealthCheckEnabled = run.AppHealthCheck;
            o.AppHealthCheckPath = run.AppHealthCheckPath;
            o.AppHealthProbeIntervalSeconds = run.AppHealthProbeIntervalSeconds;
            o.AppHealthProbeTimeoutMilliseconds = run.AppHealthProbeTimeoutMilliseconds;
            o.AppHealthThreshold = run.AppHealthThreshold;
            o.ConfigFile = run.ConfigFile;
            o.ResourcesPaths = run.ResourcesPaths;
        });
        // --dapr-graceful-shutdown-seconds: in-flight requests get this long to finish when the gateway stops.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(run.GracefulShutdownSeconds));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = run.MaxRequestBodyMegabytes * 1024L * 1024L;
            k.AddServerHeader = false;
            Listen(k, run.ListenAddress, httpPort, HttpProtocols.Http1);
            Listen(k, run.ListenAddress, grpcPort, HttpProtocols.Http2);
            // Gateway-to-gateway calls: HTTP/2 cleartext, reachable where other gateways run.
            // With mTLS: TLS with a client certificate from the trust bundle required (GatewayMtlsExtensions).
            Listen(k, run.ListenAddress is "localhost" or "" ? "127.0.0.1" : run.ListenAddress, internalPort, HttpProtocols.Http2, PeerFor(run));
        });
        var app = builder.Build();
        app.UseActorRuntimeGateway();
        return app;
    }

    /// <summary>The identity this app's gateway speaks as to other runtime processes (<c>spiffe://td/ns/{ns}/{app}</c>), or null without mTLS.</summary>
    public static Security.PeerTls? PeerFor(RunOptions run) => run.Mtls is { } m
        ? new Security.PeerTls(m, m.IdentityFor(m.AppId(Environment.GetEnvironmentVariable("NAMESPACE"), run.AppId)))
        : null;

    private static void Listen(KestrelServerOptions k, string address, int port, HttpProtocols protocols, Security.PeerTls? mtls = null)
    {
        void Configure(ListenOptions l)
        {
            l.Protocols = protocols;
            if (mtls is not null) l.UseActorRuntimeMtls(mtls);
        }
        if (address is "localhost" or "") k.ListenLocalhost(port, Configure);
        else if (System.Net.IPAddress.TryParse(address, out var ip)) k.Listen(ip, port, Configure);
        else throw new Commands.UsageException($"--dapr-listen-addresses must be localhost or an IP address, not '{address}'");
    }
}
