using ActorRuntime.Cli.Hosting;
using ActorRuntime.Components;
using ActorRuntime.Components.Loading;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Hosting;
using ActorRuntime.Silo.Clustering;
using ActorRuntime.Silo.Hosting;
using Orleans.Configuration;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>actorrt gateway</c>: an app's gateway as its own process, an Orleans client of a cluster. It keeps trying to
/// reach a silo for as long as it takes, answering <c>/v1.0/healthz</c> with not-ready meanwhile.
/// </summary>
internal static class GatewayCommand
{
    private static readonly IReadOnlyList<FlagSpec> Flags =
    [
        .. RunFlags.All.Where(f => f.Name is not ("run-file" or "dashboard-port")), .. ClusterFlags.All,
        new("advertised-address", "Host name other gateways and silos use to reach this gateway's internal port (default 127.0.0.1)"),
    ];

    public static async Task<int> ExecuteAsync(string[] args)
    {
        var cl = CommandLine.Parse(args, Flags);
        if (cl.Has("help"))
        {
            Usage.PrintFlags("actorrt gateway --app-id <id> [flags] [-- <app command...>]", Flags);
            return 0;
        }
        if (cl.AppCommand.Count > 0) throw new UsageException("actorrt gateway runs no app; start the app yourself (or use actorrt run)");
        var run = RunFlags.ToOptions(cl) with { AdvertisedAddress = cl.Get("advertised-address") };
        var mode = ClusterFlags.ParseMode(cl.Get("cluster"));
        var connection = cl.Get("connection-string");
        if (mode is ClusterMode.PostgreSql or ClusterMode.Redis && string.IsNullOrWhiteSpace(connection))
            throw new UsageException($"--connection-string is required with --cluster {cl.Get("cluster")}");
        if (mode is ClusterMode.PostgreSql or ClusterMode.Redis &&
            ClusterConnectionStrings.Problem(mode == ClusterMode.PostgreSql, connection, "--connection-string") is { } problem)
            throw new UsageException(problem);
        var clusterId = cl.Get("cluster-id") ?? "actorrt";
        var home = ActorRuntimeHome.Resolve();
        run = run with { ClusterSecret = ClusterSecrets.Resolve(mode, connection, clusterId, home, cl.Get("cluster-secret-file")) };
        var resources = run.ResourcesPaths.Count > 0 ? run.ResourcesPaths : [EmbeddedDefaults.EnsureDefaultComponentsIn(home)];
        run = run with { ResourcesPaths = resources }; // Resiliency and Subscription files come from the same folders
        run = run with { Mtls = MtlsFlags.Resolve(cl, run.ConfigFile, home, createCa: false) };
        var components = ResourceLoader.LoadComponents(resources, run.AppId);
        var taken = new HashSet<int>();
        var http = run.HttpPort ?? PortPicker.PreferredOrFree(3500, taken);
        var grpc = run.GrpcPort ?? PortPicker.PreferredOrFree(50001, taken);

        await using var catalog = new ComponentCatalog();
        var app = GatewayHost.Build(run, http, grpc, components, catalog, [], builder =>
        {
            // Kestrel must answer (not-ready) while the client is still looking for a silo.
            builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
            builder.Services.AddSingleton<IClusterConnectionStatusObserver, ReadinessConnectionObserver>();
            builder.UseOrleansClient(client =>
            {
                switch (mode)
                {
                    case ClusterMode.Localhost:
                        client.UseLocalMachineClustering(Path.Combine(home, "cluster", "membership.db"));
                        break;
                    case ClusterMode.PostgreSql:
                        client.UsePostgresClustering(connection!);
                        client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = "actorrt"; });
                        break;
                    case ClusterMode.Redis:
                        client.UseRedisClustering(ClusterConnectionStrings.RedisConfiguration(connection!));
                        client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = "actorrt"; });
                        break;
                    default:
                        throw new UsageException("actorrt gateway needs a shared cluster: localhost, postgresql or redis");
                }
                client.UseActorRuntimeGatewayClient();
                if (GatewayHost.PeerFor(run) is { } peer) client.UseActorRuntimeMtls(peer);
            });
            // The gateway process's own Prometheus endpoint, as each daprd has one.
            ObservabilityHosting.AddMetrics(builder.Services, run.EnableMetrics, run.MetricsPort, run.ListenAddress, run.ConfigFile);
        }, connectComponents: false);
        var readiness = app.Services.GetRequiredService<RuntimeReadiness>();
        app.Lifetime.ApplicationStarted.Register(() => readiness.ClusterReady = true);
        Console.WriteLine($"ℹ️  Gateway for app id '{run.AppId}': HTTP port {http}, gRPC port {grpc}, {mode.ToString().ToLowerInvariant()} cluster{(run.Mtls is null ? "" : ", mTLS on")}");
        await app.RunAsync();
        return 0;
    }

    /// <summary>Reports losing and regaining every connection to the cluster on <c>/v1.0/healthz</c>.</summary>
    private sealed class ReadinessConnectionObserver(RuntimeReadiness readiness) : IClusterConnectionStatusObserver
    {
        public void NotifyClusterConnectionLost() => readiness.ClusterReady = false;

        public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
        {
            if (currentNumberOfGateways > 0 && connectionRecovered) readiness.ClusterReady = true;
        }
    }
}
