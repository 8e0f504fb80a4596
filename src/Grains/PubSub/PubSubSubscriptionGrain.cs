using ActorRuntime.Components;
using ActorRuntime.Components.PubSub;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Grains.PubSub;

/// <summary>See <see cref="IPubSubSubscriptionGrain"/>. The pump runs off the grain's scheduler (it waits on the broker
/// and the app); it reads the leases through an immutable snapshot the grain replaces on each renewal.</summary>
[Orleans.Placement.PreferLocalPlacement] // beside the first gateway that subscribes: that silo has the component loaded
[CollectionAgeLimit(Minutes = 2)]
public sealed class PubSubSubscriptionGrain(ComponentCatalog components, ILogger<PubSubSubscriptionGrain> logger) : Grain, IPubSubSubscriptionGrain, IDisposable
{
    private static readonly PubSubDeliveryClient Client = new(); // without mTLS; with it the silo registers one that presents its certificate

    private readonly Dictionary<string, (SubscriberLease Lease, DateTime ExpiresAt)> _leases = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<(SubscriberLease Lease, DateTime ExpiresAt)> _snapshot = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    public Task Renew(SubscriberLease lease)
    {
        _leases[lease.InstanceId] = (lease, DateTime.UtcNow + lease.Duration);
        Publish();
        if (_pump is null)
        {
            var (instanceId, group, topic) = PubSubGrainKeys.SplitSubscription(this.GetPrimaryKeyString());
            var pump = new SubscriptionPump(components.GetPubSub(instanceId), instanceId, topic, group, LiveLeases, Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetService<PubSubDeliveryClient>(ServiceProvider) ?? Client, logger);
            _pump = Task.Run(() => pump.RunAsync(_stop.Token));
        }
        return Task.CompletedTask;
    }

    public Task Remove(string instanceId)
    {
        if (_leases.Remove(instanceId)) Publish();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_pump is not null) await _pump.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    public void Dispose() => _stop.Dispose();

    private void Publish() => _snapshot = [.. _leases.Values.OrderBy(l => l.Lease.InstanceId, StringComparer.Ordinal)];

    private IReadOnlyList<SubscriberLease> LiveLeases()
    {
        var now = DateTime.UtcNow;
        return [.. _snapshot.Where(l => l.ExpiresAt > now).Select(l => l.Lease)];
    }
}
