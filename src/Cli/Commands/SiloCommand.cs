using ActorRuntime.Cli.Hosting;
using ActorRuntime.Components;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Loading;
using ActorRuntime.Silo.Hosting;

namespace ActorRuntime.Cli.Commands;

/// <summary>
/// <c>actorrt silo</c>: a silo of a cluster, configured by appsettings.json (section <c>ActorRuntime:Silo</c>),
/// environment variables (<c>ActorRuntime__Silo__Cluster=postgresql</c>) and flags, flags winning.
/// </summary>
internal static class SiloCommand
{
    private static readonly IReadOnlyList<FlagSpec> Flags =
    [
        .. ClusterFlags.All,
        .. MtlsFlags.All,
        new("silo-port", "Silo-to-silo port (default 11111; 0 picks a free one)"),
        new("gateway-port", "Port for gateways, the cluster clients (default 30000; 0 picks a free one)"),
        new("advertised-address", "IP address other silos use to reach this one (default 127.0.0.1)"),
        new("storage", "Grain state: statestore (the actorStateStore component, default), postgresql, redis or memory"),
        new("storage-connection-string", "Connection string for --storage postgresql|redis (default: --connection-string)"),
        new("reminders", "Reminders: localhost (SQLite beside membership), postgresql, redis or memory (default: as --cluster)"),
        new("reminders-connection-string", "Connection string for --reminders postgresql|redis (default: --connection-string)"),
        new("resources-path", "A folder of component files; repeatable (default ~/.actorrt/components)", false, "d", "components-path"),
        new("log-level", "debug, info, warn, error or fatal (default info)"),
        new("log-as-json", "Write logs as JSON lines with daprd's fields", true),
        new("enable-metrics", "Serve Prometheus metrics (default true; --enable-metrics=false turns them off)", true),
        new("metrics-port", "The metrics port (default 9090, or the next free port when taken)"),
        new("dashboard-port", "Serve the Orleans dashboard on this loopback port (default: off)"),
        new("help", "Show this help", true, "h"),
    ];

    public static async Task<int> ExecuteAsync(string[] args)
    {
        var cl = CommandLine.Parse(args, Flags);
        if (cl.Has("help"))
        {
            Usage.PrintFlags("actorrt silo [flags]", Flags);
            return 0;
        }
        var home = ActorRuntimeHome.Resolve();
        var resources = cl.GetAll("resources-path") is { Count: > 0 } given ? given : [EmbeddedDefaults.EnsureDefaultComponentsIn(home)];
        var definitions = ResourceLoader.LoadForAllApps(resources);

        var dashboardPort = RunFlags.Port(cl, "dashboard-port");
        var builder = ObservabilityHosting.CreateSiloBuilder("actorrt-silo", dashboardPort, defaults: true, out var build);
        builder.Configuration.AddInMemoryCollection(ClusterFlags.ToConfiguration(cl));
        RuntimeLogging.Configure(builder.Logging, cl.Get("log-level") ?? "info", clusterMember: true, json: cl.GetBool("log-as-json"));
        ObservabilityHosting.AddMetrics(builder.Services, !cl.Has("enable-metrics") || cl.GetBool("enable-metrics"), RunFlags.Port(cl, "metrics-port"), "localhost", null);
        var options = builder.Configuration.GetSection(ActorRuntimeSiloOptions.SectionName).Get<ActorRuntimeSiloOptions>() ?? new();
        options.Cluster = ClusterFlags.ParseMode(builder.Configuration[ClusterFlags.ConfigurationKeys["cluster"]]);
        options.LocalMachineDatabase ??= Path.Combine(home, "cluster", "membership.db");
        if (options.Cluster is ClusterMode.PostgreSql or ClusterMode.Redis &&
            ClusterConnectionStrings.Problem(options.Cluster == ClusterMode.PostgreSql, options.ConnectionString, "--connection-string") is { } problem)
            throw new UsageException(problem);
        options.ClusterSecret ??= ClusterSecrets.Resolve(options.Cluster, options.ConnectionString, options.ClusterId, home, cl.Get("cluster-secret-file"));

        var mtls = MtlsFlags.Resolve(cl, cl.Get("config"), home, createCa: false);
        var catalog = new ComponentCatalog();
        builder.Services.AddComponentCatalog(catalog);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.UseOrleans(silo => silo.AddActorRuntimeSilo(o =>
        {
            o.Cluster = options.Cluster;
            o.ConnectionString = options.ConnectionString;
            o.LocalMachineDatabase = options.LocalMachineDatabase;
            o.ClusterId = options.ClusterId;
            o.ClusterSecret = options.ClusterSecret;
            o.ServiceId = options.ServiceId;
            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
            o.AdvertisedAddress = options.AdvertisedAddress;
            o.Storage = options.Storage;
            o.StorageConnectionString = options.StorageConnectionString;
            o.Reminders = options.Reminders;
            o.RemindersConnectionString = options.RemindersConnectionString;
            o.RemindersDatabase = options.RemindersDatabase;
            o.MinimumReminderPeriod = options.MinimumReminderPeriod;
            o.Components = definitions;
            o.Mtls = mtls;
            o.EnableMtls = mtls is not null;
            ObservabilityHosting.AddDashboard(silo, dashboardPort);
        }));
        using var host = build();
        Console.WriteLine($"ℹ️  Silo joining the {options.Cluster.ToString().ToLowerInvariant()} cluster '{options.ClusterId}' with {definitions.Count} component(s){(mtls is null ? "" : $", mTLS on (trust domain {mtls.TrustDomain})")}");
        if (dashboardPort is { } dp) Console.WriteLine($"ℹ️  Orleans dashboard: {ObservabilityHosting.DashboardUrl(dp)}");
        await host.RunAsync();
        await catalog.DisposeAsync();
        return 0;
    }
}
