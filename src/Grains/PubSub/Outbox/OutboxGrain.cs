using ActorRuntime.Components;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Grains.PubSub.Outbox;

/// <summary>
/// See <see cref="IOutboxGrain"/>. One activation per store drains its records in key order (commit order), one at a
/// time: publish, then delete, so a crash in between publishes an event twice, never loses it. The drain runs off the
/// grain's scheduler, as the subscription pump does, because it waits on the store and the broker.
/// </summary>
[Orleans.Placement.PreferLocalPlacement] // beside the gateway that kicks it: that silo has the store and the pub/sub loaded
public sealed class OutboxGrain(ComponentCatalog components, ILogger<OutboxGrain> logger) : Grain, IOutboxGrain, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _due = new(0, 1);
    private Task? _loop;

    public Task Kick()
    {
        if (_due.CurrentCount == 0)
        {
            try { _due.Release(); }
            catch (SemaphoreFullException) { /* already due */ }
        }
        if (_loop is null)
        {
            var drain = new OutboxDrain(components, this.GetPrimaryKeyString(), _due, logger);
            _loop = Task.Run(() => drain.RunAsync(_stop.Token));
        }
        DelayDeactivation(TimeSpan.FromMinutes(2));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _due.Dispose();
    }
}
