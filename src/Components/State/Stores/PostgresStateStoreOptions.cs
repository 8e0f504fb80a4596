using ActorRuntime.Components.Model;
using Npgsql;

namespace ActorRuntime.Components.State.Stores;

/// <summary>Dapr's <c>state.postgresql</c> metadata, validated at construction.</summary>
internal sealed record PostgresStateStoreOptions(string ConnectionString, string TableName, string MetadataTableName, TimeSpan? CleanupInterval)
{
    public static PostgresStateStoreOptions FromMetadata(ComponentMetadata metadata)
    {
        var raw = metadata.GetRequiredString("connectionString");
        NpgsqlConnectionStringBuilder builder;
        try { builder = new NpgsqlConnectionStringBuilder(raw); }
        catch (ArgumentException e) { throw metadata.Error("connectionString", $"is not a valid Npgsql connection string: {e.Message}"); }

        // Dapr's "timeout" bounds each database call (default 20s).
        var timeout = metadata.GetDuration("timeout") ?? TimeSpan.FromSeconds(20);
        if (timeout <= TimeSpan.Zero) throw metadata.Error("timeout", "must be positive");
        builder.CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));

        var cleanup = metadata.GetDuration("cleanupInterval") ?? TimeSpan.FromHours(1);
        metadata.GetBool("actorStateStore", false);
        return new PostgresStateStoreOptions(
            builder.ConnectionString,
            SqlIdentifiers.TableName(metadata, "tableName", "state", allowSchema: true),
            SqlIdentifiers.TableName(metadata, "metadataTableName", "dapr_metadata", allowSchema: true),
            cleanup > TimeSpan.Zero ? cleanup : null);
    }
}
