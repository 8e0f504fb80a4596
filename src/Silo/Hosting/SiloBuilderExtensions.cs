using System.Net;
using System.Net.Sockets;
using ActorRuntime.Silo.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace ActorRuntime.Silo.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>Configures a silo of the ActorRuntime cluster: clustering, and the runtime's grain defaults.</summary>
    public static ISiloBuilder AddActorRuntimeSilo(this ISiloBuilder silo, Action<ActorRuntimeSiloOptions>? configure = null)
    {
        var options = new ActorRuntimeSiloOptions();
        configure?.Invoke(options);
        switch (options.Cluster)
        {
            case ClusterMode.InProcess:
                silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort(), serviceId: "actorrt", clusterId: "actorrt-inproc");
                break;
            case ClusterMode.LocalMachine:
                silo.UseLocalMachineClustering(options.LocalMachineDatabase
                    ?? throw new InvalidOperationException("LocalMachineDatabase is required for the local-machine cluster"));
                break;
        }
        silo.Services.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromSeconds(30));
        return silo;
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
