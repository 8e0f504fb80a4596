using ActorRuntime.Silo.Hosting;

namespace ActorRuntime.Cli.Commands;

/// <summary>Flags that say which cluster to join, shared by <c>actorrt silo</c> and <c>actorrt gateway</c>.</summary>
internal static class ClusterFlags
{
    public static readonly IReadOnlyList<FlagSpec> All =
    [
        new("cluster", "localhost (machine-local, SQLite under ~/.actorrt), postgresql or redis (default localhost)"),
        new("connection-string", "postgresql: libpq (host=... user=... dbname=...), postgres:// URL or Npgsql form; redis: host:port, StackExchange.Redis configuration or redis:// URL"),
        new("cluster-id", "Orleans ClusterId (default actorrt)"),
        new("cluster-secret-file", "A file holding the secret gateways and silos show each other's internal ports (also ACTORRT_CLUSTER_SECRET_FILE, ACTORRT_CLUSTER_SECRET; default: see the README)"),
    ];

    /// <summary>Configuration keys the flags map onto, so appsettings.json and environment variables say the same.</summary>
    public static readonly IReadOnlyDictionary<string, string> ConfigurationKeys = new Dictionary<string, string>
    {
        ["cluster"] = $"{ActorRuntimeSiloOptions.SectionName}:Cluster",
        ["connection-string"] = $"{ActorRuntimeSiloOptions.SectionName}:ConnectionString",
        ["cluster-id"] = $"{ActorRuntimeSiloOptions.SectionName}:ClusterId",
        ["silo-port"] = $"{ActorRuntimeSiloOptions.SectionName}:SiloPort",
        ["gateway-port"] = $"{ActorRuntimeSiloOptions.SectionName}:GatewayPort",
        ["advertised-address"] = $"{ActorRuntimeSiloOptions.SectionName}:AdvertisedAddress",
        ["storage"] = $"{ActorRuntimeSiloOptions.SectionName}:Storage",
        ["storage-connection-string"] = $"{ActorRuntimeSiloOptions.SectionName}:StorageConnectionString",
        ["reminders"] = $"{ActorRuntimeSiloOptions.SectionName}:Reminders",
        ["reminders-connection-string"] = $"{ActorRuntimeSiloOptions.SectionName}:RemindersConnectionString",
    };

    /// <summary>Flag values as configuration entries (for <c>AddInMemoryCollection</c>, highest precedence).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ToConfiguration(CommandLine cl) =>
        ConfigurationKeys.Where(kv => cl.Has(kv.Key)).Select(kv => new KeyValuePair<string, string?>(kv.Value, cl.Get(kv.Key)));

    public static ClusterMode ParseMode(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "localhost" or "local" => ClusterMode.Localhost,
        "postgresql" or "postgres" => ClusterMode.PostgreSql,
        "redis" => ClusterMode.Redis,
        "inprocess" => ClusterMode.InProcess,
        _ => throw new UsageException($"--cluster must be localhost, postgresql or redis, not '{value}'"),
    };
}
