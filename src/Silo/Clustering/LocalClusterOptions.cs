using Orleans.Configuration;

namespace ActorRuntime.Silo.Clustering;

/// <summary>Settings for the machine-local cluster. The defaults are what <c>actorrt run</c> uses.</summary>
public sealed class LocalClusterOptions
{
    public const string DefaultClusterId = "actorrt-local";
    public const string DefaultServiceId = "actorrt-local";

    /// <summary>Orleans ClusterId (the membership table's DeploymentId). Every process of one machine-local cluster shares it.</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>Orleans ServiceId: keys persisted state and reminders, so it must stay stable across runs.</summary>
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>Silo-to-silo port on 127.0.0.1; null picks a free one.</summary>
    public int? SiloPort { get; set; }

    /// <summary>Client gateway port on 127.0.0.1; null picks a free one, 0 opens no gateway.</summary>
    public int? GatewayPort { get; set; }

    /// <summary>Apply <see cref="LocalMachineClustering.ApplyDevMachineTimings"/> (default true).</summary>
    public bool DevMachineTimings { get; set; } = true;

    /// <summary>Further membership tuning, applied after the dev-machine timings.</summary>
    public Action<ClusterMembershipOptions>? ConfigureMembership { get; set; }
}
