using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// The machine-local cluster: every <c>actorrt run</c> process on one machine joins one Orleans cluster with no setup.
/// Membership lives in a SQLite file (Orleans' ADO.NET clustering provider with our own schema); silos listen and
/// advertise on 127.0.0.1 with free ports.
/// </summary>
public static class LocalMachineClustering
{
    /// <summary>
    /// Makes this silo a member of the machine-local cluster whose membership is in <paramref name="databaseFile"/>:
    /// applies the schema (idempotent), configures ADO.NET clustering on SQLite, ClusterId/ServiceId
    /// <c>actorrt-local</c>, free silo and gateway ports on 127.0.0.1, and membership timings for a dev machine.
    /// </summary>
    public static ISiloBuilder UseLocalMachineClustering(this ISiloBuilder builder, string databaseFile, Action<LocalClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        var options = new LocalClusterOptions();
        configure?.Invoke(options);

        var file = Path.GetFullPath(databaseFile);
        SqliteClusteringSchema.Apply(file);
        var connectionString = SqliteClusteringSchema.ConnectionString(file);
        // On one machine we can tell a dead silo from a slow one: its process is gone. Declaring those dead up front
        // spares a restart after `kill -9` the wait for Orleans to time out their stale rows.
        DeadLocalSilos.Reap(connectionString, options.ClusterId);
        builder.Configure<SiloOptions>(o => o.SiloName = DeadLocalSilos.SiloNameForThisProcess());
        // ...and declaring them dead within a fraction of a second while running, with calls to them resent.
        builder.Services.AddSingleton(new LocalSiloWatcherSettings(connectionString, options.ClusterId));
        builder.Services.AddHostedService<LocalSiloWatcher>();
        builder.AddOutgoingGrainCallFilter<SiloLossRetryFilter>();

        var siloPort = options.SiloPort is > 0 ? options.SiloPort.Value : FreePorts.Next();
        var gatewayPort = options.GatewayPort switch
        {
            null => FreePorts.Next(),
            0 => 0,
            var p => p.Value,
        };

        builder.UseAdoNetClustering(o =>
        {
            o.Invariant = SqliteClusteringSchema.Invariant;
            o.ConnectionString = connectionString;
        });
        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        builder.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = IPAddress.Loopback;
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
            o.GatewayListeningEndpoint = gatewayPort == 0 ? null : new IPEndPoint(IPAddress.Loopback, gatewayPort);
        });
        builder.Configure<ClusterMembershipOptions>(o =>
        {
            if (options.DevMachineTimings) ApplyDevMachineTimings(o);
            options.ConfigureMembership?.Invoke(o);
        });
        return builder;
    }

    /// <summary>
    /// Connects an external client (e.g. a gateway-only process) to the machine-local cluster in <paramref name="databaseFile"/>.
    /// The schema is applied too, so a client may start before the first silo; it then waits for a gateway like any Orleans client.
    /// </summary>
    public static IClientBuilder UseLocalMachineClustering(this IClientBuilder builder, string databaseFile, Action<LocalClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        var options = new LocalClusterOptions();
        configure?.Invoke(options);

        var file = Path.GetFullPath(databaseFile);
        SqliteClusteringSchema.Apply(file);
        var connectionString = SqliteClusteringSchema.ConnectionString(file);
        // On one machine we can tell a dead silo from a slow one: its process is gone. Declaring those dead up front
        // spares a restart after `kill -9` the wait for Orleans to time out their stale rows.
        DeadLocalSilos.Reap(connectionString, options.ClusterId);
        builder.Configure<SiloOptions>(o => o.SiloName = DeadLocalSilos.SiloNameForThisProcess());
        builder.AddOutgoingGrainCallFilter<SiloLossRetryFilter>();

        builder.UseAdoNetClustering(o =>
        {
            o.Invariant = SqliteClusteringSchema.Invariant;
            o.ConnectionString = connectionString;
        });
        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        if (options.DevMachineTimings)
        {
            // Notice new and departed silos within seconds instead of the default minute.
            builder.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        }
        return builder;
    }

    /// <summary>
    /// Membership timings for silos that live and die on one developer machine, where processes are killed with
    /// Ctrl+C or <c>kill -9</c> all the time. Changed from Orleans' defaults:
    /// <list type="table">
    /// <item><term>ProbeTimeout 5 s → 2 s</term><description>a killed process is probed out within ~3 × 2 s; probes stay on
    /// loopback so 2 s is still generous. NumMissedProbesLimit (3) and NumVotesForDeathDeclaration (2) keep their defaults
    /// so a silo that is merely slow (CPU starved by a build) is not declared dead, which would make it stop itself.</description></item>
    /// <item><term>IAmAliveTablePublishTimeout 30 s → 2 s</term><description>with NumMissedTableIAmAliveLimit 3, a row
    /// without heartbeat for 6 s counts as stale. This decides how fast a silo that starts alone next to the row of a
    /// killed process gets going: a joining silo only probes rows that are stale (or already suspected), and a stale row
    /// no longer counts towards the votes needed, so the newcomer declares it dead by itself (measured ≈ 10 s instead of
    /// ≈ 21 s with 5 s). The price is one UPDATE every 2 s per silo on a local file. Staleness only lowers the votes
    /// needed in clusters of three or more silos; with two, one vote always suffices.</description></item>
    /// <item><term>TableRefreshTimeout 60 s → 10 s</term><description>members re-read the table often (cheap on a local file).</description></item>
    /// <item><term>MaxJoinAttemptTime 5 min → 1 min</term><description>a start-up that cannot reach the cluster fails
    /// within a minute with a message instead of hanging.</description></item>
    /// <item><term>DefunctSiloExpiration 7 d → 2 min, DefunctSiloMinimumRetention 1 h → 2 min, DefunctSiloCleanupPeriod 1 h → 1 min</term>
    /// <description>dead rows of killed processes are deleted after ~2–3 minutes instead of lingering for days
    /// (retention stays above MaxJoinAttemptTime, as Orleans requires for a joining silo to learn it was declared dead).</description></item>
    /// </list>
    /// </summary>
    public static void ApplyDevMachineTimings(ClusterMembershipOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
        o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        o.MaxJoinAttemptTime = TimeSpan.FromMinutes(1);
        o.DefunctSiloExpiration = TimeSpan.FromMinutes(2);
        o.DefunctSiloMinimumRetention = TimeSpan.FromMinutes(2);
        o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(1);
    }
}
