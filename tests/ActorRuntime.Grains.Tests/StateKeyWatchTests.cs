using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;
using ActorRuntime.Grains.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorRuntime.Grains.Tests;

/// <summary>The per-key freshness version and the per-silo routing of a store's changes to it.</summary>
public sealed class StateKeyWatchTests
{
    [Fact]
    public void The_echo_of_the_grains_own_write_keeps_the_cache_anything_else_spoils_it()
    {
        var watch = new StateKeyWatch();
        var before = watch.Version;
        Assert.Equal(before, watch.Wrote(before, "e1"));

        watch.Changed("e1", deleted: false); // own echo
        Assert.Equal(before, watch.Version);

        watch.Changed("e2", deleted: false); // someone else
        Assert.NotEqual(before, watch.Version);

        var v = watch.Version;
        watch.Changed(null, deleted: false); // a change without a version (Redis): never taken for an echo
        Assert.NotEqual(v, watch.Version);
    }

    [Fact]
    public void An_echo_that_arrives_before_the_write_returns_still_lets_the_value_be_cached_but_a_foreign_change_does_not()
    {
        var watch = new StateKeyWatch();
        var before = watch.Version;
        watch.Changed("e1", deleted: false); // the store's notification outran the write's reply
        Assert.Equal(before + 1, watch.Wrote(before, "e1"));

        before = watch.Version;
        watch.Changed("x", deleted: false);
        watch.Changed("e2", deleted: false);
        Assert.Null(watch.Wrote(before, "e2"));

        before = watch.Version;
        Assert.Equal(before, watch.Wrote(before, null)); // own delete
        watch.Changed(null, deleted: true);
        Assert.Equal(before, watch.Version);
    }

    [Fact]
    public async Task Changes_reach_registered_keys_only_and_a_feed_that_resumes_spoils_everything()
    {
        var registry = new StateKeyWatches(NullLogger<StateKeyWatches>.Instance);
        await using var store = new InMemoryStateStore(StateGrainClusterFixture.Store); // not initialised: not watching
        var k = registry.Watch("s", store, "k")!;
        var other = registry.Watch("s", store, "other")!;
        Assert.False(registry.IsFresh("s", store));

        var (k0, other0) = (k.Version, other.Version);
        await store.InitAsync(CancellationToken.None);
        Assert.True(registry.IsFresh("s", store));
        Assert.True(k.Version > k0 && other.Version > other0);

        (k0, other0) = (k.Version, other.Version);
        await store.SetAsync(new StateWrite("k", "1"u8.ToArray()), CancellationToken.None);
        Assert.True(k.Version > k0);
        Assert.Equal(other0, other.Version);

        registry.Unwatch("s", "k", k);
        Assert.Equal(1, registry.CountFor("s"));
        k0 = k.Version;
        await store.SetAsync(new StateWrite("k", "2"u8.ToArray()), CancellationToken.None);
        Assert.Equal(k0, k.Version);
    }
}
