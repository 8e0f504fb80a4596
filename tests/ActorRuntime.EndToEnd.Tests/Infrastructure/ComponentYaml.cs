using System.Text;
using System.Text.Json;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>Dapr component files (<c>apiVersion: dapr.io/v1alpha1</c>, <c>kind: Component</c>) for the state stores under test.</summary>
public static class ComponentYaml
{
    public static string InMemory(string name) => Component(name, "state.in-memory");

    public static string Sqlite(string name, string databaseFile) =>
        Component(name, "state.sqlite", ("connectionString", databaseFile));

    public static string Redis(string name, string redisHost) =>
        Component(name, "state.redis", ("redisHost", redisHost));

    public static string Postgres(string name, string connectionString, string table, string metadataTable) =>
        Component(name, "state.postgresql",
            ("connectionString", connectionString), ("tableName", table), ("metadataTableName", metadataTable));

    public static string Component(string name, string type, params (string Name, string Value)[] metadata)
    {
        var sb = new StringBuilder();
        sb.Append("apiVersion: dapr.io/v1alpha1\n");
        sb.Append("kind: Component\n");
        sb.Append("metadata:\n");
        sb.Append("  name: ").Append(name).Append('\n');
        sb.Append("spec:\n");
        sb.Append("  type: ").Append(type).Append('\n');
        sb.Append("  version: v1\n");
        if (metadata.Length > 0)
        {
            sb.Append("  metadata:\n");
            foreach (var (key, value) in metadata)
            {
                sb.Append("  - name: ").Append(key).Append('\n');
                // A JSON string is a valid YAML double-quoted scalar: paths and connection strings stay intact.
                sb.Append("    value: ").Append(JsonSerializer.Serialize(value)).Append('\n');
            }
        }
        return sb.ToString();
    }
}
