using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorRuntime.Components.Model;
using StackExchange.Redis;

namespace ActorRuntime.Components.Connections;

/// <summary>
/// StackExchange.Redis options from Dapr's Redis component metadata (<c>redisHost</c>, <c>redisDB</c>, <c>dialTimeout</c>, ...),
/// shared by every Redis component. Every documented field is read and validated, so a malformed value fails at start-up
/// naming its field. Fields StackExchange.Redis cannot honour (it multiplexes one connection instead of pooling, and
/// has no separate read/write timeouts) are accepted, validated and ignored, listed in <see cref="Ignored"/> and in
/// <c>src/Components/Connections/README.md</c>.
/// </summary>
public static class RedisConnectionSettings
{
    /// <summary>
    /// Dapr fields read and validated, but without effect: go-redis connection-pool tuning (StackExchange.Redis keeps one
    /// multiplexed connection per server), Dapr's own retry wrapper (<c>redisMaxRetries</c>; StackExchange.Redis does not
    /// retry commands), and separate sentinel credentials (its options have none).
    /// </summary>
    public static readonly IReadOnlyList<string> Ignored =
    [
        "poolSize", "poolTimeout", "minIdleConns", "maxConnAge", "idleTimeout", "idleCheckFrequency",
        "redisMaxRetries", "sentinelUsername", "sentinelPassword",
    ];

    public static ConfigurationOptions FromMetadata(ComponentMetadata metadata, string clientName)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.GetBool("useEntraID", false) || metadata.GetBool("useAzureAD", false))
            throw metadata.Error("useEntraID", "Microsoft Entra ID authentication is not supported; use redisUsername/redisPassword");
        if (metadata.GetBool("useOIDC", false))
            throw metadata.Error("useOIDC", "OIDC authentication is not supported; use redisUsername/redisPassword");

        var cluster = metadata.GetString("redisType")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "node" => false,
            "cluster" => true,
            var other => throw metadata.Error("redisType", $"must be 'node' or 'cluster', not '{other}'"),
        };
        var failover = metadata.GetBool("failover", false);
        var options = new ConfigurationOptions
        {
            Password = NullIfEmpty(metadata.GetString("redisPassword")),
            User = NullIfEmpty(metadata.GetString("redisUsername")),
            // Dapr: redisDB is ignored in cluster mode (a Redis cluster has only database 0).
            DefaultDatabase = cluster ? null : metadata.GetInt("redisDB", 0, min: 0),
            Ssl = metadata.GetBool("enableTLS", false),
            ClientName = clientName,
            // A store's InitAsync must fail when the server is unreachable instead of handing out a store that never
            // works; once connected, dropped connections are still re-established in the background.
            AbortOnConnectFail = true,
        };
        AddEndpoints(metadata, options);

        if (failover)
        {
            // With ServiceName set, StackExchange.Redis treats the endpoints as sentinels and follows the primary.
            options.ServiceName = NullIfEmpty(metadata.GetString("sentinelMasterName"))
                ?? throw metadata.Error("sentinelMasterName", "is required when failover is true");
        }

        var retries = metadata.GetInt("maxRetries", 3, min: -1);
        options.ConnectRetry = Math.Max(0, retries); // Dapr: -1 disables retries
        metadata.GetInt("redisMaxRetries", 3, min: -1);

        options.ConnectTimeout = Milliseconds(metadata, "dialTimeout", Duration(metadata, "dialTimeout") ?? TimeSpan.FromSeconds(5), allowInfinite: false);
        // StackExchange.Redis has one timeout per command; the longer of Dapr's read and write timeouts bounds it.
        var read = Duration(metadata, "readTimeout");
        var write = Duration(metadata, "writeTimeout");
        if (read == Timeout.InfiniteTimeSpan || write == Timeout.InfiniteTimeSpan)
        {
            options.SyncTimeout = options.AsyncTimeout = int.MaxValue;
        }
        else if ((read ?? TimeSpan.Zero) > TimeSpan.Zero || (write ?? TimeSpan.Zero) > TimeSpan.Zero)
        {
            var longer = TimeSpan.FromTicks(Math.Max((read ?? TimeSpan.Zero).Ticks, (write ?? TimeSpan.Zero).Ticks));
            options.SyncTimeout = options.AsyncTimeout = Milliseconds(metadata, read >= write ? "readTimeout" : "writeTimeout", longer, allowInfinite: false);
        }

        ConfigureReconnectBackoff(metadata, options);
        ConfigureTls(metadata, options);
        foreach (var name in new[] { "poolTimeout", "maxConnAge", "idleTimeout", "idleCheckFrequency" }) Duration(metadata, name);
        metadata.GetInt("poolSize", 0, min: 0);
        metadata.GetInt("minIdleConns", 0, min: 0);
        return options;
    }

    /// <summary><c>redisHost</c>: <c>host:port</c>, or a comma list (cluster nodes, sentinels); <c>redisPort</c> fills in a missing port.</summary>
    private static void AddEndpoints(ComponentMetadata metadata, ConfigurationOptions options)
    {
        var portText = metadata.GetString("redisPort");
        int? port = null;
        if (!string.IsNullOrWhiteSpace(portText)) port = metadata.GetInt("redisPort", 0, min: 1, max: 65535);
        foreach (var host in metadata.GetRequiredString("redisHost").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var endpoint = Parse(host) ?? throw metadata.Error("redisHost", $"'{host}' is not host:port");
            if (EndpointPort(endpoint) is { } given)
            {
                if (port is { } other && other != given)
                    throw metadata.Error("redisPort", $"is {other}, but redisHost '{host}' already says port {given}; keep one");
                options.EndPoints.Add(endpoint);
            }
            else
            {
                options.EndPoints.Add(WithPort(endpoint, port ?? 6379));
            }
        }
        if (options.EndPoints.Count == 0) throw metadata.Error("redisHost", "names no host");
    }

    private static EndPoint? Parse(string host)
    {
        if (host.Contains(' ', StringComparison.Ordinal)) return null;
        return EndPointCollection.TryParse(host);
    }

    private static int? EndpointPort(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint d => d.Port == 0 ? null : d.Port,
        IPEndPoint i => i.Port == 0 ? null : i.Port,
        _ => null,
    };

    private static EndPoint WithPort(EndPoint endpoint, int port) => endpoint switch
    {
        DnsEndPoint d => new DnsEndPoint(d.Host, port),
        IPEndPoint i => new IPEndPoint(i.Address, port),
        _ => endpoint,
    };

    /// <summary>
    /// Dapr's back-off between reconnect attempts: <c>redisMinRetryInterval</c> (8ms) up to <c>redisMaxRetryInterval</c> or
    /// <c>maxRetryBackoff</c> (default 2s); -1 disables back-off.
    /// </summary>
    private static void ConfigureReconnectBackoff(ComponentMetadata metadata, ConfigurationOptions options)
    {
        var min = Duration(metadata, "redisMinRetryInterval");
        var max = Duration(metadata, "redisMaxRetryInterval") ?? Duration(metadata, "maxRetryBackoff");
        if (min is null && max is null) return;
        if (min == Timeout.InfiniteTimeSpan || max == Timeout.InfiniteTimeSpan)
        {
            options.ReconnectRetryPolicy = new LinearRetry(0);
            return;
        }
        var low = Math.Max(1, (int)(min ?? TimeSpan.FromMilliseconds(8)).TotalMilliseconds);
        var high = Math.Max(low, (int)Math.Min(int.MaxValue, (max ?? TimeSpan.FromSeconds(2)).TotalMilliseconds));
        options.ReconnectRetryPolicy = new ExponentialRetry(low, high);
    }

    private static void ConfigureTls(ComponentMetadata metadata, ConfigurationOptions options)
    {
        if (metadata.GetBool("insecureSkipTLSVerify", false))
            options.CertificateValidation += (_, _, _, _) => true;
        var cert = NullIfEmpty(metadata.GetString("clientCert"));
        var key = NullIfEmpty(metadata.GetString("clientKey"));
        if (cert is null && key is null) return;
        if (cert is null || key is null) throw metadata.Error(cert is null ? "clientCert" : "clientKey", "is required together with " + (cert is null ? "clientKey" : "clientCert"));
        if (!options.Ssl) throw metadata.Error("clientCert", "needs enableTLS: true");
        X509Certificate2 certificate;
        try { certificate = X509Certificate2.CreateFromPem(cert, key); }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            // The message is the runtime's (no key material); the PEM itself is never quoted.
            throw metadata.Error("clientCert", $"with clientKey is not a PEM certificate and private key: {e.Message}");
        }
        options.CertificateSelection += (_, _, _, _, _) => certificate;
    }

    /// <summary>
    /// Dapr's Redis durations: a whole number is milliseconds, a negative one (-1) means "none"
    /// (<see cref="Timeout.InfiniteTimeSpan"/>), anything else a Go duration (<c>5s</c>, <c>100ms</c>).
    /// </summary>
    public static TimeSpan? Duration(ComponentMetadata metadata, string name)
    {
        var text = metadata.GetString(name)?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
            return ms < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(ms);
        if (char.IsDigit(text[^1]) || !Durations.TryParse(text, out var d) || d < TimeSpan.Zero)
            throw metadata.Error(name, $"must be a duration such as '5s' or '500ms' (a plain number is milliseconds), not '{text}'");
        return d;
    }

    private static int Milliseconds(ComponentMetadata metadata, string name, TimeSpan value, bool allowInfinite)
    {
        if (value == Timeout.InfiniteTimeSpan && allowInfinite) return int.MaxValue;
        if (value <= TimeSpan.Zero) throw metadata.Error(name, "must be positive");
        return (int)Math.Min(int.MaxValue, Math.Ceiling(value.TotalMilliseconds));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
