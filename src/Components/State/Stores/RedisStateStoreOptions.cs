using ActorRuntime.Components.Model;
using StackExchange.Redis;

namespace ActorRuntime.Components.State.Stores;

/// <summary>Dapr's <c>state.redis</c> metadata, validated at construction so a bad YAML value fails at start-up.</summary>
internal sealed record RedisStateStoreOptions(ConfigurationOptions Connection, TimeSpan? DefaultTtl)
{
    public static RedisStateStoreOptions FromMetadata(ComponentMetadata metadata)
    {
        var hosts = metadata.GetRequiredString("redisHost")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var connection = new ConfigurationOptions
        {
            Password = NullIfEmpty(metadata.GetString("redisPassword")),
            User = NullIfEmpty(metadata.GetString("redisUsername")),
            DefaultDatabase = metadata.GetInt("redisDB", 0, min: 0),
            Ssl = metadata.GetBool("enableTLS", false),
            ConnectRetry = metadata.GetInt("maxRetries", 3, min: 0),
            ConnectTimeout = (int)(metadata.GetDuration("dialTimeout") ?? TimeSpan.FromSeconds(5)).TotalMilliseconds,
            // InitAsync must fail when the server is unreachable instead of handing out a store that never works;
            // once connected, dropped connections are still re-established in the background.
            AbortOnConnectFail = true,
            ClientName = "actorrt-state",
        };
        foreach (var host in hosts)
        {
            try { connection.EndPoints.Add(host); }
            catch (ArgumentException e) { throw metadata.Error("redisHost", $"'{host}' is not host:port ({e.Message})"); }
        }
        if (connection.ConnectTimeout <= 0) throw metadata.Error("dialTimeout", "must be positive");

        // Dapr: a positive store-wide default TTL; -1 (or 0) means none.
        var ttlSeconds = metadata.GetInt("ttlInSeconds", -1, min: -1);
        TimeSpan? defaultTtl = ttlSeconds > 0 ? TimeSpan.FromSeconds(ttlSeconds) : null;
        metadata.GetBool("actorStateStore", false);
        return new RedisStateStoreOptions(connection, defaultTtl);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
