using ActorRuntime.Components.Connections;
using ActorRuntime.Components.Model;
using StackExchange.Redis;

namespace ActorRuntime.Components.PubSub.Brokers;

/// <summary>Dapr's <c>pubsub.redis</c> metadata (connection fields as <c>state.redis</c>, plus <c>maxLenApprox</c>).</summary>
internal sealed record RedisPubSubOptions(ConfigurationOptions Connection, long? MaxLenApprox)
{
    public static RedisPubSubOptions FromMetadata(ComponentMetadata metadata)
    {
        var connection = RedisConnectionSettings.FromMetadata(metadata, clientName: "actorrt-pubsub");
        var maxLen = metadata.GetString("maxLenApprox");
        long? maxLenApprox = null;
        if (!string.IsNullOrWhiteSpace(maxLen))
        {
            if (!long.TryParse(maxLen.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
                throw metadata.Error("maxLenApprox", $"must be a positive integer, not '{maxLen}'");
            maxLenApprox = n;
        }
        return new RedisPubSubOptions(connection, maxLenApprox);
    }
}
