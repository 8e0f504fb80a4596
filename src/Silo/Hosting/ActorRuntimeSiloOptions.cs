using System.ComponentModel.DataAnnotations;

namespace ActorRuntime.Silo.Hosting;

public enum ClusterMode
{
    /// <summary>One silo in this process, in-memory membership: tests and single-process use.</summary>
    InProcess,
    /// <summary>Every silo on this machine (all <c>actorrt run</c> processes), membership in a SQLite file under <c>~/.actorrt</c>.</summary>
    Localhost,
    /// <summary>Membership in PostgreSQL (Orleans ADO.NET clustering with the project's own schema).</summary>
    PostgreSql,
    /// <summary>Membership in Redis (Orleans Redis clustering).</summary>
    Redis,
}

/// <summary>
/// How a silo joins its cluster. Bound from configuration section <c>ActorRuntime:Silo</c>
/// (appsettings.json, <c>ActorRuntime__Silo__Cluster</c> environment variables, or command-line flags).
/// </summary>
public sealed class ActorRuntimeSiloOptions : IValidatableObject
{
    public const string SectionName = "ActorRuntime:Silo";

    public ClusterMode Cluster { get; set; } = ClusterMode.Localhost;

    /// <summary>Npgsql connection string (PostgreSql) or StackExchange.Redis configuration string (Redis).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Membership database for <see cref="ClusterMode.Localhost"/>.</summary>
    public string? LocalMachineDatabase { get; set; }

    public string ClusterId { get; set; } = "actorrt";
    public string ServiceId { get; set; } = "actorrt";

    /// <summary>Silo-to-silo port; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for cluster clients (gateways); 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address other silos and clients use to reach this one.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Membership probe timeout (PostgreSQL/Redis clusters); three missed probes suspect a silo.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Cluster is ClusterMode.PostgreSql or ClusterMode.Redis && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult($"--connection-string is required with --cluster {Cluster.ToString().ToLowerInvariant()}", [nameof(ConnectionString)]);
        if (Cluster == ClusterMode.Localhost && string.IsNullOrWhiteSpace(LocalMachineDatabase))
            yield return new ValidationResult("LocalMachineDatabase is required for the local-machine cluster", [nameof(LocalMachineDatabase)]);
        if (!System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
            yield return new ValidationResult($"AdvertisedAddress '{AdvertisedAddress}' is not an IP address", [nameof(AdvertisedAddress)]);
    }
}
