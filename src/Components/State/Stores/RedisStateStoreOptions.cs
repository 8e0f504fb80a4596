using ActorRuntime.Components.Connections;
using ActorRuntime.Components.Model;
using StackExchange.Redis;

namespace ActorRuntime.Components.State.Stores;

/// <summary>Dapr's <c>state.redis</c> metadata, validated at construction so a bad YAML value fails at start-up.</summary>
internal sealed record RedisStateStoreOptions(ConfigurationOptions Connection, TimeSpan? DefaultTtl)
{
    public static RedisStateStoreOptions FromMetadata(ComponentMetadata metadata)
    {
        var connection = RedisConnectionSettings.FromMetadata(metadata, clientName: "actorrt-state");

        // Dapr: a positive store-wide default TTL; -1 (or 0) means none.
        var ttlSeconds = metadata.GetInt("ttlInSeconds", -1, min: -1);
        TimeSpan? defaultTtl = ttlSeconds > 0 ? TimeSpan.FromSeconds(ttlSeconds) : null;
        metadata.GetBool("actorStateStore", false);
        return new RedisStateStoreOptions(connection, defaultTtl);
    }
}
