namespace ActorRuntime.Components.Actors;

/// <summary>
/// Effective actor runtime settings for one actor type: the app's top-level <c>/dapr/config</c> values with any
/// matching <c>entitiesConfig</c> entry applied. Defaults are Dapr's documented ones.
/// </summary>
public sealed record ActorTypeSettings(
    TimeSpan IdleTimeout,
    TimeSpan ScanInterval,
    TimeSpan DrainOngoingCallTimeout,
    bool DrainRebalancedActors,
    bool ReentrancyEnabled,
    int MaxStackDepth,
    int RemindersStoragePartitions)
{
    /// <summary>Dapr's defaults: 60m idle, 30s scan, 60s drain, drain on rebalance, no reentrancy (depth 32), no partitions.</summary>
    public static ActorTypeSettings Default { get; } = new(
        TimeSpan.FromMinutes(60), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), true, false, 32, 0);
}
