using ActorRuntime.Components.Model;
using Npgsql;

namespace ActorRuntime.Components.Connections;

/// <summary>
/// Dapr's PostgreSQL authentication metadata (components-contrib <c>PostgresAuthMetadata</c>), as the PostgreSQL binding
/// reads it: <c>connectionString</c> (alias <c>url</c>) in libpq, URL or Npgsql form, then the individual fields over it
/// (<c>host</c>, <c>hostaddr</c>, <c>port</c>, <c>database</c>, <c>user</c>, <c>password</c>, <c>sslRootCert</c>,
/// <c>maxConns</c>, <c>connectionMaxIdleTime</c>). Errors name the field, never the password.
/// </summary>
public static class PostgresComponentConnection
{
    public static NpgsqlConnectionStringBuilder FromMetadata(ComponentMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var field = metadata.GetString("connectionString") is { Length: > 0 } ? "connectionString" : "url";
        var raw = metadata.GetString(field);
        var host = metadata.GetString("host") is { Length: > 0 } h ? h : metadata.GetString("hostaddr");
        if (string.IsNullOrWhiteSpace(raw) && string.IsNullOrEmpty(host)) throw metadata.Error("connectionString", "is required");
        if (metadata.GetBool("useAzureAD", false)) throw metadata.Error("useAzureAD", "Microsoft Entra ID authentication is not supported; use a password");
        if (metadata.GetBool("useAWSIAM", false)) throw metadata.Error("useAWSIAM", "AWS IAM authentication is not supported; use a password");
        NpgsqlConnectionStringBuilder builder;
        try { builder = string.IsNullOrWhiteSpace(raw) ? new NpgsqlConnectionStringBuilder() : PostgresConnectionString.Parse(raw); }
        catch (ConnectionStringException e) { throw metadata.Error(field, e.Problem); }

        if (!string.IsNullOrEmpty(host)) builder.Host = host;
        if (metadata.GetString("port") is { Length: > 0 }) builder.Port = metadata.GetInt("port", 5432, min: 1, max: 65535);
        if (metadata.GetString("database") is { Length: > 0 } database) builder.Database = database;
        if (metadata.GetString("user") is { Length: > 0 } user) builder.Username = user;
        if (metadata.GetString("password") is { Length: > 0 } password) builder.Password = password;
        if (metadata.GetString("sslRootCert") is { Length: > 0 } rootCert) builder.RootCertificate = rootCert;
        // maxConns 0 (the default) leaves the driver's pool size alone.
        if (metadata.GetInt("maxConns", 0, min: 0) is > 0 and var maxConns) builder.MaxPoolSize = maxConns;
        if (metadata.GetDuration("connectionMaxIdleTime") is { } idle)
        {
            if (idle < TimeSpan.Zero) throw metadata.Error("connectionMaxIdleTime", "must not be negative");
            if (idle > TimeSpan.Zero) builder.ConnectionIdleLifetime = Math.Max(builder.ConnectionPruningInterval, (int)Math.Ceiling(idle.TotalSeconds));
        }
        // pgx-only: Npgsql picks its own protocol flow; read so the field is at least known.
        metadata.GetString("queryExecMode");
        return builder;
    }
}
