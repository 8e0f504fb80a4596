using ActorRuntime.Components.Connections;
using ActorRuntime.Components.Model;
using Npgsql;

namespace ActorRuntime.Components.State.Stores;

/// <summary>Dapr's <c>state.postgresql</c> metadata, validated at construction.</summary>
internal sealed record PostgresStateStoreOptions(string ConnectionString, string TableName, string MetadataTableName, TimeSpan? CleanupInterval)
{
    public static PostgresStateStoreOptions FromMetadata(ComponentMetadata metadata)
    {
        var builder = Connection(metadata);

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

    /// <summary>
    /// <c>connectionString</c> in libpq, URL or Npgsql form, then Dapr's individual fields over it (<c>host</c>, <c>port</c>,
    /// <c>database</c>, <c>user</c>, <c>password</c>, <c>sslRootCert</c>, <c>maxConns</c>, <c>connectionMaxIdleTime</c>).
    /// </summary>
    private static NpgsqlConnectionStringBuilder Connection(ComponentMetadata metadata)
    {
        var raw = metadata.GetString("connectionString");
        var host = metadata.GetString("host") is { Length: > 0 } h ? h : metadata.GetString("hostaddr");
        if (string.IsNullOrWhiteSpace(raw) && string.IsNullOrEmpty(host)) throw metadata.Error("connectionString", "is required");
        NpgsqlConnectionStringBuilder builder;
        try { builder = string.IsNullOrWhiteSpace(raw) ? new NpgsqlConnectionStringBuilder() : PostgresConnectionString.Parse(raw); }
        catch (ConnectionStringException e) { throw metadata.Error("connectionString", e.Problem); }

        if (!string.IsNullOrEmpty(host)) builder.Host = host;
        if (metadata.GetString("port") is { Length: > 0 }) builder.Port = metadata.GetInt("port", 5432, min: 1, max: 65535);
        if (metadata.GetString("database") is { Length: > 0 } database) builder.Database = database;
        if (metadata.GetString("user") is { Length: > 0 } user) builder.Username = user;
        if (metadata.GetString("password") is { Length: > 0 } password) builder.Password = password;
        if (metadata.GetString("sslRootCert") is { Length: > 0 } rootCert) builder.RootCertificate = rootCert;
        // Dapr v1: maxConns 0 (the default) leaves the driver's pool size alone.
        if (metadata.GetInt("maxConns", 0, min: 0) is > 0 and var maxConns) builder.MaxPoolSize = maxConns;
        if (metadata.GetDuration("connectionMaxIdleTime") is { } idle)
        {
            if (idle < TimeSpan.Zero) throw metadata.Error("connectionMaxIdleTime", "must not be negative");
            if (idle > TimeSpan.Zero) builder.ConnectionIdleLifetime = Math.Max(builder.ConnectionPruningInterval, (int)Math.Ceiling(idle.TotalSeconds));
        }
        // pgx-only: Npgsql picks its own protocol flow; read so a typo'd value is not the only thing validated.
        metadata.GetString("queryExecMode");
        return builder;
    }
}
