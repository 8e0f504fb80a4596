using System.ComponentModel.DataAnnotations;
using ActorRuntime.Components.Model;

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

/// <summary>Where grain state (<c>IPersistentState&lt;T&gt;</c>) is kept.</summary>
public enum GrainStorageKind
{
    /// <summary>In the actor state store component (<c>actorStateStore: "true"</c>), as JSON; any Dapr state store.</summary>
    StateStore,
    /// <summary>Orleans' ADO.NET grain storage on PostgreSQL with the project's own schema.</summary>
    PostgreSql,
    /// <summary>Orleans' Redis grain storage.</summary>
    Redis,
    /// <summary>In silo memory: lost when the cluster stops (tests).</summary>
    Memory,
}

/// <summary>Where reminders are kept.</summary>
public enum ReminderStorageKind
{
    /// <summary>A SQLite file on this machine (default <c>~/.actorrt/cluster/reminders.db</c>): durable, shared by the machine-local cluster.</summary>
    Localhost,
    /// <summary>Orleans' ADO.NET reminders on PostgreSQL with the project's own schema.</summary>
    PostgreSql,
    /// <summary>Orleans' Redis reminders.</summary>
    Redis,
    /// <summary>In silo memory: lost when the cluster stops (tests).</summary>
    Memory,
}

/// <summary>
/// How a silo joins its cluster. Bound from configuration section <c>ActorRuntime:Silo</c>
/// (appsettings.json, <c>ActorRuntime__Silo__Cluster</c> environment variables, or command-line flags).
/// </summary>
public sealed class ActorRuntimeSiloOptions : IValidatableObject
{
    public const string SectionName = "ActorRuntime:Silo";

    public ClusterMode Cluster { get; set; } = ClusterMode.Localhost;

    /// <summary>
    /// PostgreSql: libpq (<c>host=... user=... dbname=...</c>), URL (<c>postgres://...</c>) or Npgsql form; Redis: a
    /// StackExchange.Redis configuration, <c>host:port</c> or <c>redis://</c> URL (see <see cref="ClusterConnectionStrings"/>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Membership database for <see cref="ClusterMode.Localhost"/>.</summary>
    public string? LocalMachineDatabase { get; set; }

    public string ClusterId { get; set; } = "actorrt";

    /// <summary>
    /// The cluster secret behind the credential gateways and silos show each other's internal ports (see
    /// <c>Grains.Security.ClusterCredential</c>); null: one random secret for this process. <c>actorrt</c> resolves it
    /// itself (<c>ACTORRT_CLUSTER_SECRET</c>, <c>--cluster-secret-file</c>, ...; see the CLI's <c>ClusterSecrets</c>).
    /// </summary>
    public byte[]? ClusterSecret { get; set; }
    public string ServiceId { get; set; } = "actorrt";

    /// <summary>Silo-to-silo port; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for cluster clients (gateways); 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Gateway port in the machine-local cluster (<see cref="ClusterMode.Localhost"/>), where <see cref="GatewayPort"/>
    /// does not apply; null (the default, what <c>actorrt run</c> uses) picks a free one, 0 opens none. Set it in your own
    /// silo host so clients can reach a silo that has your grain assemblies (see samples/csharp-grains).
    /// </summary>
    [Range(0, 65535)]
    public int? LocalGatewayPort { get; set; }

    /// <summary>Address other silos and clients use to reach this one.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Membership probe timeout (PostgreSQL/Redis clusters); three missed probes suspect a silo.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where grain state is kept (default: the actor state store component).</summary>
    public GrainStorageKind Storage { get; set; } = GrainStorageKind.StateStore;

    /// <summary>
    /// Npgsql connection string (<see cref="GrainStorageKind.PostgreSql"/>) or StackExchange.Redis configuration
    /// (<see cref="GrainStorageKind.Redis"/>); defaults to <see cref="ConnectionString"/> when the cluster is of the same kind.
    /// </summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>
    /// Where reminders are kept. Null picks by cluster: Localhost → SQLite file, PostgreSql → PostgreSQL,
    /// Redis → Redis, InProcess → memory.
    /// </summary>
    public ReminderStorageKind? Reminders { get; set; }

    /// <summary>Connection string for PostgreSQL/Redis reminders; defaults to <see cref="ConnectionString"/> when the cluster is of the same kind.</summary>
    public string? RemindersConnectionString { get; set; }

    /// <summary>SQLite file for <see cref="ReminderStorageKind.Localhost"/>; default <c>reminders.db</c> beside <see cref="LocalMachineDatabase"/>.</summary>
    public string? RemindersDatabase { get; set; }

    /// <summary>Shortest reminder period accepted (Orleans' default is one minute; Dapr allows short periods).</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Component definitions this silo serves; the state store marked <c>actorStateStore: "true"</c> (or the only
    /// state store) backs grain state with <see cref="GrainStorageKind.StateStore"/>, and every state store is also a
    /// grain storage under its own name. Null: <see cref="ResourcesPaths"/>, else a list already registered in the
    /// services (<c>IReadOnlyList&lt;ComponentDefinition&gt;</c>), else the default components folder
    /// (<c>~/.actorrt/components</c>, written on first use as <c>actorrt run</c> does).
    /// </summary>
    public IReadOnlyList<ComponentDefinition>? Components { get; set; }

    /// <summary>Folders of component files to load when <see cref="Components"/> is not given.</summary>
    public IReadOnlyList<string>? ResourcesPaths { get; set; }

    /// <summary>mTLS on the silo and client ports and on grains' calls to gateways, with this process's CA state.</summary>
    public Security.MtlsRuntime? Mtls { get; set; }

    /// <summary>
    /// Whether to use mTLS when <see cref="Mtls"/> is not given: null (default) turns it on when the home folder has a CA
    /// (<c>actorrt run</c> creates one), so a silo of your own joins a cluster of <c>actorrt</c> processes as they do;
    /// false keeps the silo in plaintext.
    /// </summary>
    public bool? EnableMtls { get; set; }

    /// <summary>The reminder store in effect (<see cref="Reminders"/>, or the cluster's default).</summary>
    public ReminderStorageKind EffectiveReminders => Reminders ?? Cluster switch
    {
        ClusterMode.Localhost => ReminderStorageKind.Localhost,
        ClusterMode.PostgreSql => ReminderStorageKind.PostgreSql,
        ClusterMode.Redis => ReminderStorageKind.Redis,
        _ => ReminderStorageKind.Memory,
    };

    /// <summary>The connection string grain storage uses, if its kind needs one.</summary>
    public string? EffectiveStorageConnectionString => Storage switch
    {
        GrainStorageKind.PostgreSql => StorageConnectionString ?? (Cluster == ClusterMode.PostgreSql ? ConnectionString : null),
        GrainStorageKind.Redis => StorageConnectionString ?? (Cluster == ClusterMode.Redis ? ConnectionString : null),
        _ => null,
    };

    /// <summary>The connection string reminders use, if their kind needs one.</summary>
    public string? EffectiveRemindersConnectionString => EffectiveReminders switch
    {
        ReminderStorageKind.PostgreSql => RemindersConnectionString ?? (Cluster == ClusterMode.PostgreSql ? ConnectionString : null),
        ReminderStorageKind.Redis => RemindersConnectionString ?? (Cluster == ClusterMode.Redis ? ConnectionString : null),
        _ => null,
    };

    /// <summary><c>{ACTORRT_HOME or ~/.actorrt}/cluster/membership.db</c>: the machine-local cluster every <c>actorrt run</c> joins.</summary>
    public static string DefaultLocalMachineDatabase() =>
        Path.Combine(ActorRuntime.Components.Loading.ActorRuntimeHome.Resolve(), "cluster", "membership.db");

    /// <summary>The reminders SQLite file in effect for <see cref="ReminderStorageKind.Localhost"/>.</summary>
    public string EffectiveRemindersDatabase() =>
        RemindersDatabase ?? Path.Combine(
            Path.GetDirectoryName(Path.GetFullPath(LocalMachineDatabase ?? DefaultLocalMachineDatabase()))!,
            ActorRuntime.Silo.Reminders.SqliteRemindersSchema.DefaultFileName);

    /// <summary>Parses a <c>--storage</c> value: statestore, postgresql, redis or memory.</summary>
    public static GrainStorageKind ParseStorage(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "statestore" or "state-store" or "state" => GrainStorageKind.StateStore,
        "postgresql" or "postgres" => GrainStorageKind.PostgreSql,
        "redis" => GrainStorageKind.Redis,
        "memory" or "inmemory" or "in-memory" => GrainStorageKind.Memory,
        _ => throw new ArgumentException($"storage must be statestore, postgresql, redis or memory, not '{value}'", nameof(value)),
    };

    /// <summary>Parses a <c>--reminders</c> value: localhost (SQLite), postgresql, redis or memory.</summary>
    public static ReminderStorageKind ParseReminders(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "localhost" or "local" or "sqlite" => ReminderStorageKind.Localhost,
        "postgresql" or "postgres" => ReminderStorageKind.PostgreSql,
        "redis" => ReminderStorageKind.Redis,
        "memory" or "inmemory" or "in-memory" => ReminderStorageKind.Memory,
        _ => throw new ArgumentException($"reminders must be localhost, postgresql, redis or memory, not '{value}'", nameof(value)),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Cluster is ClusterMode.PostgreSql or ClusterMode.Redis && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult($"--connection-string is required with --cluster {Cluster.ToString().ToLowerInvariant()}", [nameof(ConnectionString)]);
        if (Cluster == ClusterMode.Localhost && string.IsNullOrWhiteSpace(LocalMachineDatabase))
            yield return new ValidationResult("LocalMachineDatabase is required for the local-machine cluster", [nameof(LocalMachineDatabase)]);
        if (Storage is GrainStorageKind.PostgreSql or GrainStorageKind.Redis && string.IsNullOrWhiteSpace(EffectiveStorageConnectionString))
            yield return new ValidationResult($"a connection string for {Storage.ToString().ToLowerInvariant()} grain storage is required (StorageConnectionString)", [nameof(StorageConnectionString)]);
        if (EffectiveReminders is ReminderStorageKind.PostgreSql or ReminderStorageKind.Redis && string.IsNullOrWhiteSpace(EffectiveRemindersConnectionString))
            yield return new ValidationResult($"a connection string for {EffectiveReminders.ToString().ToLowerInvariant()} reminders is required (RemindersConnectionString)", [nameof(RemindersConnectionString)]);
        if (Cluster is ClusterMode.PostgreSql or ClusterMode.Redis &&
            ClusterConnectionStrings.Problem(Cluster == ClusterMode.PostgreSql, ConnectionString, "--connection-string") is { } clusterProblem)
            yield return new ValidationResult(clusterProblem, [nameof(ConnectionString)]);
        if (Storage is GrainStorageKind.PostgreSql or GrainStorageKind.Redis &&
            ClusterConnectionStrings.Problem(Storage == GrainStorageKind.PostgreSql, StorageConnectionString, "--storage-connection-string") is { } storageProblem)
            yield return new ValidationResult(storageProblem, [nameof(StorageConnectionString)]);
        if (EffectiveReminders is ReminderStorageKind.PostgreSql or ReminderStorageKind.Redis &&
            ClusterConnectionStrings.Problem(EffectiveReminders == ReminderStorageKind.PostgreSql, RemindersConnectionString, "--reminders-connection-string") is { } remindersProblem)
            yield return new ValidationResult(remindersProblem, [nameof(RemindersConnectionString)]);
        if (MinimumReminderPeriod < TimeSpan.Zero)
            yield return new ValidationResult("MinimumReminderPeriod must not be negative", [nameof(MinimumReminderPeriod)]);
        if (!System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
            yield return new ValidationResult($"AdvertisedAddress '{AdvertisedAddress}' is not an IP address", [nameof(AdvertisedAddress)]);
    }
}
