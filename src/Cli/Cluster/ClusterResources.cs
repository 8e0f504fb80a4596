using System.Text;

namespace ActorRuntime.Cli.Cluster;

/// <summary>
/// The components of a cluster started without <c>--resources-path</c>: one state store named <c>statestore</c>
/// (<c>actorStateStore: "true"</c>) in the same server as membership, so every silo shares one durable store.
/// (The machine default, SQLite under <c>~/.actorrt</c>, is one file per machine and does not fit a cluster.)
/// </summary>
internal static class ClusterResources
{
    /// <summary>Writes <c>statestore.yaml</c> into <paramref name="folder"/> (replacing an older one) and returns the folder.</summary>
    public static string WriteDefault(string folder, ClusterStore store, string connectionString)
    {
        Directory.CreateDirectory(folder);
        var yaml = new StringBuilder()
            .AppendLine("# Written by `actorrt cluster up` (no --resources-path given). Replaced on every start.")
            .AppendLine("apiVersion: dapr.io/v1alpha1")
            .AppendLine("kind: Component")
            .AppendLine("metadata:")
            .AppendLine("  name: statestore")
            .AppendLine("spec:")
            .AppendLine(store == ClusterStore.PostgreSql ? "  type: state.postgresql" : "  type: state.redis")
            .AppendLine("  version: v1")
            .AppendLine("  metadata:");
        foreach (var (name, value) in Metadata(store, connectionString))
            yaml.AppendLine($"    - name: {name}").AppendLine($"      value: {Quote(value)}");
        File.WriteAllText(Path.Combine(folder, "statestore.yaml"), yaml.ToString());
        return folder;
    }

    private static IEnumerable<(string Name, string Value)> Metadata(ClusterStore store, string connectionString)
    {
        if (store == ClusterStore.PostgreSql)
        {
            yield return ("connectionString", connectionString);
        }
        else
        {
            // StackExchange.Redis configuration: "host:port[,host2:port],password=...,user=...,ssl=true,..."
            var parts = connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var host = parts.FirstOrDefault(p => !p.Contains('=', StringComparison.Ordinal))
                ?? throw new Commands.UsageException($"--connection-string '{connectionString}' names no Redis host (host:port)");
            yield return ("redisHost", host.Contains(':', StringComparison.Ordinal) ? host : host + ":6379");
            foreach (var p in parts.Where(p => p.Contains('=', StringComparison.Ordinal)))
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                var (key, value) = (p[..eq].Trim().ToLowerInvariant(), p[(eq + 1)..].Trim());
                switch (key)
                {
                    case "password": yield return ("redisPassword", value); break;
                    case "user": yield return ("redisUsername", value); break;
                    case "ssl": yield return ("enableTLS", value); break;
                    case "defaultdatabase": yield return ("redisDB", value); break;
                }
            }
        }
        yield return ("actorStateStore", "true");
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

internal enum ClusterStore
{
    PostgreSql,
    Redis,
}
