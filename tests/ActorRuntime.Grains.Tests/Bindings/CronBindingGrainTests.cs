using Microsoft.Extensions.DependencyInjection;
using System.Collections.Concurrent;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Grains.Bindings;
using Orleans.TestingHost;

namespace ActorRuntime.Grains.Tests.Bindings;

/// <summary>
/// <see cref="CronBindingGrain"/> in an in-process silo (memory grain storage as "Default", in-memory reminders), with
/// gateways stood in for by local delivery channels: one event per tick to one live lease, round robin, the next lease
/// when one cannot be reached, and the last fired tick kept.
/// </summary>
public sealed class CronBindingGrainTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage("Default");
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<BindingDeliveryClient>(); // what AddActorRuntimeSilo registers for cron grains
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    private sealed class Channel(Func<BindingEvent, Task<bool>>? behaviour = null) : IBindingDeliveryChannel
    {
        public ConcurrentQueue<BindingEvent> Events { get; } = new();

        public Task<bool> DeliverAsync(string bindingName, BindingEvent ev, CancellationToken cancellationToken)
        {
            Events.Enqueue(ev);
            return behaviour?.Invoke(ev) ?? Task.FromResult(true);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    private static CronLease Lease(string instance, string schedule = "@every 1s") => new(instance, "http://127.0.0.1:9", "tick", schedule, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Each_tick_goes_once_to_one_live_lease_in_turn()
    {
        var (a, b) = (new Channel(), new Channel());
        var ids = ("a-" + Guid.NewGuid().ToString("N"), "b-" + Guid.NewGuid().ToString("N"));
        BindingDeliveryClient.Register(ids.Item1, a);
        BindingDeliveryClient.Register(ids.Item2, b);
        try
        {
            var grain = _cluster.Client.GetGrain<ICronBindingGrain>(BindingGrainKeys.Cron("", "app-" + Guid.NewGuid().ToString("N")[..6], "tick"));
            await grain.Renew(Lease(ids.Item1));
            await grain.Renew(Lease(ids.Item2));
            await WaitUntilAsync(() => a.Events.Count + b.Events.Count >= 6, "six ticks");
            var all = a.Events.Concat(b.Events).Select(e => e.Metadata["readTimeUTC"]).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            Assert.True(a.Events.Count >= 2 && b.Events.Count >= 2, $"round robin: a {a.Events.Count}, b {b.Events.Count}");
            Assert.All(a.Events.Concat(b.Events), e => Assert.True(e.Data.IsEmpty));
            var last = await grain.GetLastFired();
            Assert.NotNull(last);
            Assert.Equal(0, last!.Value.Millisecond);
            Assert.True(DateTimeOffset.UtcNow - last.Value < TimeSpan.FromSeconds(5));
        }
        finally
        {
            BindingDeliveryClient.Unregister(ids.Item1);
            BindingDeliveryClient.Unregister(ids.Item2);
        }
    }

    [Fact]
    public async Task An_instance_that_cannot_take_the_event_is_skipped_for_another_and_a_removed_lease_gets_nothing()
    {
        var down = new Channel(_ => throw new HttpRequestException("not serving"));
        var up = new Channel();
        var ids = ("down-" + Guid.NewGuid().ToString("N"), "up-" + Guid.NewGuid().ToString("N"));
        BindingDeliveryClient.Register(ids.Item1, down);
        BindingDeliveryClient.Register(ids.Item2, up);
        try
        {
            var grain = _cluster.Client.GetGrain<ICronBindingGrain>(BindingGrainKeys.Cron("ns", "app-" + Guid.NewGuid().ToString("N")[..6], "tick"));
            await grain.Renew(Lease(ids.Item1));
            await grain.Renew(Lease(ids.Item2));
            await WaitUntilAsync(() => up.Events.Count >= 4, "four ticks at the live instance");
            Assert.Equal(up.Events.Count, up.Events.Select(e => e.Metadata["readTimeUTC"]).Distinct().Count());

            await grain.Remove(ids.Item2);
            await Task.Delay(300); // a delivery already started may still land
            var before = up.Events.Count;
            await Task.Delay(2500);
            Assert.Equal(before, up.Events.Count);
        }
        finally
        {
            BindingDeliveryClient.Unregister(ids.Item1);
            BindingDeliveryClient.Unregister(ids.Item2);
        }
    }

    [Fact]
    public async Task A_bad_schedule_fires_nothing_and_does_not_fail_the_renewal()
    {
        var channel = new Channel();
        var id = "x-" + Guid.NewGuid().ToString("N");
        BindingDeliveryClient.Register(id, channel);
        try
        {
            var grain = _cluster.Client.GetGrain<ICronBindingGrain>(BindingGrainKeys.Cron("", "app-" + Guid.NewGuid().ToString("N")[..6], "tick"));
            await grain.Renew(Lease(id, "every second"));
            await Task.Delay(2500);
            Assert.Empty(channel.Events);
            Assert.Null(await grain.GetLastFired());
        }
        finally
        {
            BindingDeliveryClient.Unregister(id);
        }
    }
}
