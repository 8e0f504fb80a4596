using ActorRuntime.Components.Connections;

namespace ActorRuntime.Silo.Hosting;

/// <summary>
/// The one place a cluster's connection strings (membership, grain storage, reminders, <c>actorrt db init</c>) are read:
/// PostgreSQL in libpq (<c>host=... user=...</c>), URL (<c>postgres://...</c>) or Npgsql form; Redis as a
/// StackExchange.Redis configuration, <c>host:port</c> or <c>redis://</c> URL. A bad one is an
/// <see cref="ArgumentException"/> naming <paramref name="source"/> and the offending key, never the password.
/// </summary>
public static class ClusterConnectionStrings
{
    /// <summary>The Npgsql connection string for any accepted form (idempotent).</summary>
    public static string Postgres(string raw, string source = "the connection string")
    {
        try { return PostgresConnectionString.ToNpgsql(raw); }
        catch (ConnectionStringException e) { throw new ArgumentException($"{source} {e.Problem}", e); }
    }

    /// <summary>The StackExchange.Redis options for any accepted form.</summary>
    public static StackExchange.Redis.ConfigurationOptions Redis(string raw, string source = "the connection string")
    {
        try { return RedisConnectionString.Parse(raw); }
        catch (ConnectionStringException e) { throw new ArgumentException($"{source} {e.Problem}", e); }
    }

    /// <summary>The StackExchange.Redis configuration string (password included) for any accepted form.</summary>
    public static string RedisConfiguration(string raw, string source = "the connection string") =>
        Redis(raw, source).ToString(includePassword: true);

    /// <summary>The problem with <paramref name="raw"/> as a connection string of that kind, or null when it is usable.</summary>
    public static string? Problem(bool postgres, string? raw, string source)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        try
        {
            if (postgres) Postgres(raw, source);
            else Redis(raw, source);
            return null;
        }
        catch (ArgumentException e) { return e.Message; }
    }
}
