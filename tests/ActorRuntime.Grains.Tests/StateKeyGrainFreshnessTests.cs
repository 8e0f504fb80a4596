using System.Text;
using ActorRuntime.Components.State;
using ActorRuntime.Grains.State;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Grains.Tests;

/// <summary>Key grains drop cached values that the store reports changed, and only active ones are told.</summary>
public sealed class StateKeyGrainFreshnessTests(StateGrainClusterFixture fixture) : IClassFixture<StateGrainClusterFixture>
{
    private static readonly string StoreId = StateGrainClusterFixture.Store.InstanceId;

    private IStateKeyGrain Key(string key) => fixture.Grains.KeyGrain(StoreId, key);
    private IStateStore Store => fixture.Catalog.GetStateStore(StoreId);

    private IEnumerable<StateKeyWatches> Registries =>
        fixture.Cluster.Silos.Select(s => s.SiloHost.Services.GetRequiredService<StateKeyWatches>());

    private static string Text(StateEntry? e) => e is null ? "<none>" : Encoding.UTF8.GetString(e.Value);

    [Fact]
    public async Task A_write_behind_the_grains_back_is_read_at_once()
    {
        var key = "app||" + Guid.NewGuid();
        var grain = Key(key);
        await grain.Set(new StateWriteCommand("1"u8.ToArray(), null, false, null, null));
        Assert.Equal("1", Text(await grain.Get())); // cached now

        await Store.SetAsync(new StateWrite(key, "2"u8.ToArray()), CancellationToken.None);
        Assert.Equal("2", Text(await grain.Get()));

        await Store.DeleteAsync(new StateDelete(key), CancellationToken.None);
        Assert.Null(await grain.Get());
    }

    [Fact]
    public async Task Strong_reads_come_from_the_store_and_agree_with_the_grains_writes()
    {
        var key = "app||" + Guid.NewGuid();
        var grain = Key(key);
        var written = await grain.Set(new StateWriteCommand("1"u8.ToArray(), null, false, null, null));
        var strong = await grain.GetStrong();
        Assert.Equal("1", Text(strong));
        Assert.Equal(written.ETag, strong!.ETag);
    }

    [Fact]
    public async Task Notifications_reach_only_active_grains_and_activate_none()
    {
        var before = Registries.Sum(r => r.CountFor(StoreId));
        var key = "app||" + Guid.NewGuid();
        await Store.SetAsync(new StateWrite(key, "1"u8.ToArray()), CancellationToken.None);
        Assert.Equal(before, Registries.Sum(r => r.CountFor(StoreId)));

        Assert.Equal("1", Text(await Key(key).Get()));
        Assert.Equal(before + 1, Registries.Sum(r => r.CountFor(StoreId)));
    }
}
