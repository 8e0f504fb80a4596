using System.ComponentModel.DataAnnotations;
using System.Net;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Silo.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace ActorRuntime.Silo.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Makes this silo part of an ActorRuntime cluster: membership as <see cref="ActorRuntimeSiloOptions.Cluster"/> says,
    /// and the runtime's grains with the component catalog they need. Use it in <c>actorrt</c> or in your own host,
    /// beside your own grains.
    /// </summary>
    public static ISiloBuilder AddActorRuntimeSilo(this ISiloBuilder silo, Action<ActorRuntimeSiloOptions>? configure = null)
    {
        var options = new ActorRuntimeSiloOptions();
        configure?.Invoke(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        switch (options.Cluster)
        {
            case ClusterMode.InProcess:
                silo.UseLocalhostClustering(siloPort: FreePorts.Next(), gatewayPort: FreePorts.Next(), serviceId: "actorrt", clusterId: "actorrt-inproc");
                break;
            case ClusterMode.Localhost:
                silo.UseLocalMachineClustering(options.LocalMachineDatabase!);
                break;
            case ClusterMode.PostgreSql:
                silo.UsePostgresClustering(options.ConnectionString!);
                ConfigureNetwork(silo, options);
                break;
            case ClusterMode.Redis:
                silo.UseRedisClustering(options.ConnectionString!);
                ConfigureNetwork(silo, options);
                break;
        }
        silo.Services.AddComponentCatalog();
        silo.Services.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromSeconds(30));
        return silo;
    }

    private static void ConfigureNetwork(ISiloBuilder silo, ActorRuntimeSiloOptions o)
    {
        silo.Configure<ClusterOptions>(c =>
        {
            c.ClusterId = o.ClusterId;
            c.ServiceId = o.ServiceId;
        });
        // Failover speed: a dead silo is suspected after NumMissedProbesLimit probes of ProbeTimeout each and declared
        // dead once NumVotesForDeathDeclaration silos agree, so its grains move within a few seconds, not Orleans' ~30 s.
        silo.Configure<ClusterMembershipOptions>(m =>
        {
            m.ProbeTimeout = o.ProbeTimeout;
            m.NumMissedProbesLimit = 3;
            m.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            m.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        });
        var siloPort = o.SiloPort == 0 ? FreePorts.Next() : o.SiloPort;
        var gatewayPort = o.GatewayPort == 0 ? FreePorts.Next() : o.GatewayPort;
        silo.ConfigureEndpoints(IPAddress.Parse(o.AdvertisedAddress), siloPort, gatewayPort);
    }
}
