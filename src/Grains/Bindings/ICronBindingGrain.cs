namespace ActorRuntime.Grains.Bindings;

/// <summary>
/// The one place a <c>bindings.cron</c> component of one app id ticks, key from <see cref="BindingGrainKeys.Cron"/>.
/// Orleans keeps one activation per key across the cluster, so each tick fires once per app id, to one live instance
/// of the app (whose gateway renews a lease every few seconds). A durable reminder brings the grain back after the
/// silo holding it dies; the last fired tick is persisted so a failover neither fires a tick twice nor drops one it
/// can still fire.
/// </summary>
[Alias("actorrt.ICronBindingGrain")]
public interface ICronBindingGrain : IGrainWithStringKey, IRemindable
{
    [Alias("renew")]
    Task Renew(CronLease lease);

    [Alias("remove")]
    Task Remove(string instanceId);

    /// <summary>The last tick fired (null before the first); for tests and diagnostics.</summary>
    [Alias("last")]
    Task<DateTimeOffset?> GetLastFired();
}

/// <summary>One app instance taking a cron binding's events through its gateway (<see cref="Address"/>: its internal port).</summary>
[GenerateSerializer, Immutable, Alias("actorrt.bindings.cronlease")]
public sealed record CronLease(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] string Address,
    [property: Id(2)] string BindingName,
    [property: Id(3)] string Schedule,
    [property: Id(4)] TimeSpan Duration);
