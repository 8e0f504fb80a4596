using System.Text;
using ActorRuntime.Components.State;
using ActorRuntime.Grains.State;

namespace ActorRuntime.Grains.Tests;

public sealed class StateKeyGrainTests(StateGrainClusterFixture fixture) : IClassFixture<StateGrainClusterFixture>
{
    private static readonly string StoreId = StateGrainClusterFixture.Store.InstanceId;

    private IStateKeyGrain Key(string key) => fixture.Grains.GetGrain<IStateKeyGrain>(StateGrainKeys.For(StoreId, key));

    private static StateWriteCommand Write(string value, string? etag = null, bool firstWrite = false) =>
        new(Encoding.UTF8.GetBytes(value), etag, firstWrite, null, null);

    [Fact]
    public async Task Write_is_in_the_store_before_the_grain_answers()
    {
        var key = "app||" + Guid.NewGuid();
        var outcome = await Key(key).Set(Write("\"v1\""));
        Assert.Equal(StateOutcomeStatus.Ok, outcome.Status);
        var stored = await fixture.Catalog.GetStateStore(StoreId).GetAsync(key, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal("\"v1\"", Encoding.UTF8.GetString(stored.Value));
        Assert.Equal(outcome.ETag, stored.ETag);
    }

    [Fact]
    public async Task Stale_etag_is_a_conflict_and_the_value_is_kept()
    {
        var grain = Key("app||" + Guid.NewGuid());
        var first = await grain.Set(Write("1"));
        var second = await grain.Set(Write("2", first.ETag));
        var stale = await grain.Set(Write("3", first.ETag));
        Assert.Equal(StateOutcomeStatus.Ok, second.Status);
        Assert.Equal(StateOutcomeStatus.ETagMismatch, stale.Status);
        var read = await grain.Get();
        Assert.Equal("2", Encoding.UTF8.GetString(read!.Value));
        Assert.Equal(second.ETag, read.ETag);
    }

    [Fact]
    public async Task Racing_writers_on_one_etag_have_exactly_one_winner_per_round()
    {
        var grain = Key("app||" + Guid.NewGuid());
        var etag = (await grain.Set(Write("0"))).ETag;
        for (var round = 1; round <= 5; round++)
        {
            var r = round;
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => grain.Set(Write($"{r}-{i}", etag)).AsTask()));
            Assert.Single(outcomes, o => o.Status == StateOutcomeStatus.Ok);
            Assert.Equal(49, outcomes.Count(o => o.Status == StateOutcomeStatus.ETagMismatch));
            etag = outcomes.Single(o => o.Status == StateOutcomeStatus.Ok).ETag;
        }
    }

    [Fact]
    public async Task A_write_behind_the_grains_back_is_seen_after_a_conflict()
    {
        // Another runtime (or Dapr itself) writes the same row: the cached copy must not win.
        var key = "app||" + Guid.NewGuid();
        var grain = Key(key);
        var mine = await grain.Set(Write("\"mine\""));
        await fixture.Catalog.GetStateStore(StoreId).SetAsync(new StateWrite(key, Encoding.UTF8.GetBytes("\"theirs\"")), CancellationToken.None);
        var conflict = await grain.Set(Write("\"again\"", mine.ETag));
        Assert.Equal(StateOutcomeStatus.ETagMismatch, conflict.Status);
        Assert.Equal("\"theirs\"", Encoding.UTF8.GetString((await grain.Get())!.Value));
    }

    [Fact]
    public async Task Transaction_is_atomic_and_refreshes_cached_reads()
    {
        var a = "app||" + Guid.NewGuid();
        var b = "app||" + Guid.NewGuid();
        var etagA = (await Key(a).Set(Write("\"a0\""))).ETag;
        await Key(b).Set(Write("\"b0\""));
        Assert.NotNull(await Key(a).Get()); // cached now
        var store = fixture.Grains.GetGrain<IStateStoreGrain>(StoreId);

        var failed = await store.ExecuteTransaction(
        [
            new StateTransactionOperation(a, Write("\"a1\""), null),
            new StateTransactionOperation(b, Write("\"b1\"", "wrong-etag"), null),
        ]);
        Assert.Equal(StateOutcomeStatus.ETagMismatch, failed.Status);
        Assert.Equal("\"a0\"", Encoding.UTF8.GetString((await Key(a).Get())!.Value));

        var ok = await store.ExecuteTransaction(
        [
            new StateTransactionOperation(a, Write("\"a2\"", etagA), null),
            new StateTransactionOperation(b, null, new StateDeleteCommand(null, false)),
        ]);
        Assert.Equal(StateOutcomeStatus.Ok, ok.Status);
        Assert.Equal("\"a2\"", Encoding.UTF8.GetString((await Key(a).Get())!.Value));
        Assert.Null(await Key(b).Get());
    }

    [Fact]
    public async Task State_survives_losing_the_silo_that_hosted_the_key()
    {
        var key = "app||" + Guid.NewGuid();
        await Key(key).Set(Write("\"durable\""));
        foreach (var silo in fixture.Cluster.Silos.Skip(1).ToList())
        {
            await fixture.Cluster.KillSiloAsync(silo);
        }
        await fixture.Cluster.StartAdditionalSiloAsync();
        var read = await Key(key).Get();
        Assert.Equal("\"durable\"", Encoding.UTF8.GetString(read!.Value));
    }
}
