using System.Globalization;
using ActorRuntime.Components.Model;
using Npgsql;

namespace ActorRuntime.Components.Connections;

/// <summary>
/// The libpq / pgx keys (as Dapr's PostgreSQL components accept them) and the Npgsql setting each one becomes.
/// A key Npgsql has no equivalent for is refused by name rather than dropped: a silently ignored
/// <c>pool_max_conn_lifetime_jitter</c> would look like it worked.
/// </summary>
internal static class PostgresKeys
{
    private static readonly Dictionary<string, Action<NpgsqlConnectionStringBuilder, string>> Setters = new(StringComparer.Ordinal)
    {
        ["host"] = (b, v) => b.Host = v,
        ["hostaddr"] = (b, v) => b.Host = v, // numeric address; the only host Npgsql needs
        ["port"] = (b, v) => b.Port = Port(v),
        ["dbname"] = (b, v) => b.Database = v,
        ["database"] = (b, v) => b.Database = v, // pgx's alias, used by Dapr's docs
        ["user"] = (b, v) => b.Username = v,
        ["password"] = (b, v) => b.Password = v,
        ["passfile"] = (b, v) => b.Passfile = v,
        ["sslmode"] = (b, v) => b.SslMode = SslModeOf(v),
        ["sslrootcert"] = (b, v) => b.RootCertificate = v,
        ["sslcert"] = (b, v) => b.SslCertificate = v,
        ["sslkey"] = (b, v) => b.SslKey = v,
        ["sslpassword"] = (b, v) => b.SslPassword = v,
        ["channel_binding"] = (b, v) => b.ChannelBinding = v switch
        {
            "disable" => ChannelBinding.Disable,
            "prefer" => ChannelBinding.Prefer,
            "require" => ChannelBinding.Require,
            _ => throw Bad("channel_binding", v, "disable, prefer or require"),
        },
        ["krbsrvname"] = (b, v) => b.KerberosServiceName = v,
        ["connect_timeout"] = (b, v) => b.Timeout = Int("connect_timeout", v, 0, 1024, "seconds"),
        ["application_name"] = (b, v) => b.ApplicationName = v,
        ["search_path"] = (b, v) => b.SearchPath = v,
        ["timezone"] = (b, v) => b.Timezone = v,
        ["client_encoding"] = (b, v) => b.ClientEncoding = v,
        ["options"] = (b, v) => b.Options = v,
        ["target_session_attrs"] = (b, v) => b.TargetSessionAttributes = v switch
        {
            "any" or "read-write" or "read-only" or "primary" or "standby" or "prefer-standby" => v,
            _ => throw Bad("target_session_attrs", v, "any, read-write, read-only, primary, standby or prefer-standby"),
        },
        ["keepalives"] = (b, v) => b.TcpKeepAlive = Int("keepalives", v, 0, 1, "") == 1,
        ["keepalives_idle"] = (b, v) => b.TcpKeepAliveTime = Int("keepalives_idle", v, 0, int.MaxValue, "seconds"),
        ["keepalives_interval"] = (b, v) => b.TcpKeepAliveInterval = Int("keepalives_interval", v, 0, int.MaxValue, "seconds"),
        ["pool_min_conns"] = (b, v) => b.MinPoolSize = Int("pool_min_conns", v, 0, 1024, ""),
        ["pool_max_conns"] = (b, v) => b.MaxPoolSize = Int("pool_max_conns", v, 1, 1024, ""),
        ["pool_max_conn_lifetime"] = (b, v) => b.ConnectionLifetime = Seconds("pool_max_conn_lifetime", v),
        ["pool_max_conn_idle_time"] = (b, v) => b.ConnectionIdleLifetime = Seconds("pool_max_conn_idle_time", v),
        // pgx checks idle connections on this period; Npgsql's pruning timer does the same work.
        ["pool_health_check_period"] = (b, v) => b.ConnectionPruningInterval = Seconds("pool_health_check_period", v),
    };

    /// <summary>Keys libpq or pgx define that Npgsql cannot honour: refused with this reason.</summary>
    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
    {
        ["pool_max_conn_lifetime_jitter"] = "Npgsql has no lifetime jitter",
        ["pool_max_conn_idle_time_jitter"] = "Npgsql has no idle-time jitter",
        ["statement_cache_capacity"] = "Npgsql prepares statements itself (Max Auto Prepare)",
        ["description_cache_capacity"] = "Npgsql has no description cache setting",
        ["default_query_exec_mode"] = "Npgsql has no query execution modes",
        ["min_read_buffer_size"] = "Npgsql sizes its read buffer with Read Buffer Size",
        ["service"] = "service files are not read",
        ["servicefile"] = "service files are not read",
        ["sslnegotiation"] = "Npgsql always negotiates TLS the PostgreSQL way",
        ["sslcrl"] = "Npgsql does not read certificate revocation lists",
        ["sslcrldir"] = "Npgsql does not read certificate revocation lists",
        ["requirepeer"] = "Npgsql does not check the peer of a Unix socket",
        ["keepalives_count"] = "Npgsql has no keep-alive probe count",
        ["tcp_user_timeout"] = "Npgsql has no TCP user timeout",
        ["load_balance_hosts"] = "use Npgsql's Load Balance Hosts in the Npgsql form",
        ["gssencmode"] = "use Npgsql's GSS Encryption Mode in the Npgsql form",
        ["replication"] = "replication connections are not supported",
    };

    public static bool IsKnown(string key) => Setters.ContainsKey(key) || Unsupported.ContainsKey(key);

    public static bool IsSecret(string? key) => key is "password" or "sslpassword";

    /// <summary>Applies one setting; a multi-host <c>host</c>/<c>port</c> is combined by <see cref="PostgresConnectionString"/>.</summary>
    public static void Apply(NpgsqlConnectionStringBuilder builder, ConnectionSetting setting)
    {
        if (Setters.TryGetValue(setting.Key, out var set))
        {
            set(builder, setting.Value);
            return;
        }
        if (Unsupported.TryGetValue(setting.Key, out var why))
            throw new ConnectionStringException($"has '{setting.Key}', which cannot be honoured ({why}); remove it");
        if (IsSecret(setting.After))
            throw new ConnectionStringException($"has an unknown key after '{setting.After}' (a value with spaces must be in single quotes: {setting.After}='...')");
        var lower = setting.Key.ToLowerInvariant();
        var hint = lower != setting.Key && Setters.ContainsKey(lower) ? $" (libpq keys are lower case: '{lower}')" : "";
        throw new ConnectionStringException($"has an unknown key '{Printable(setting.Key)}'{hint}; known keys: {string.Join(", ", Setters.Keys)}");
    }

    /// <summary>A key as it may appear in a message: short, and nothing that could be a stray piece of a secret.</summary>
    public static string Printable(string key) => key.Length <= 40 ? key : key[..40] + "...";

    public static int Port(string value) => Int("port", value, 1, 65535, "");

    private static SslMode SslModeOf(string value) => value switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verify-ca" => SslMode.VerifyCA,
        "verify-full" => SslMode.VerifyFull,
        _ => throw Bad("sslmode", value, "disable, allow, prefer, require, verify-ca or verify-full"),
    };

    private static int Int(string key, string value, int min, int max, string unit)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new ConnectionStringException($"has '{key}={value}': must be a whole number from {min} to {max}{(unit.Length > 0 ? " " + unit : "")}");
        return n;
    }

    /// <summary>pgx durations are Go durations (<c>1h</c>, <c>30m</c>); Npgsql counts whole seconds, so round up.</summary>
    private static int Seconds(string key, string value)
    {
        if (!Durations.TryParse(value, out var d) || d < TimeSpan.Zero || d.TotalSeconds > int.MaxValue)
            throw new ConnectionStringException($"has '{key}={value}': must be a duration such as '30m' or '1h'");
        return (int)Math.Ceiling(d.TotalSeconds);
    }

    private static ConnectionStringException Bad(string key, string value, string allowed) =>
        new($"has '{key}={value}': must be one of {allowed}");
}
