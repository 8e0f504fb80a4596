using ActorRuntime.Components.State;

namespace ActorRuntime.Components.Tests.State;

public abstract partial class StateStoreContractTests
{
    private StateOperation Upsert(string name, string value, string? etag = null) =>
        StateOperation.Upsert(new StateWrite(Key(name), Bytes(value), etag));

    private StateOperation Remove(string name, string? etag = null) => StateOperation.Remove(new StateDelete(Key(name), etag));

    private Task TransactAsync(params StateOperation[] operations) =>
        Store.ExecuteTransactionAsync(operations, Ct).WaitAsync(StepTimeout);

    [Fact]
    public async Task Transaction_AppliesMixedOperations()
    {
        await SetAsync("a", "a0");
        var bETag = await SetAsync("b", "b0");

        await TransactAsync(Upsert("a", "a1"), Remove("b", bETag), Upsert("c", "c1"), Remove("never-written"));

        Assert.Equal("a1", await GetTextAsync("a"));
        Assert.Null(await GetAsync("b"));
        Assert.Equal("c1", await GetTextAsync("c"));
    }

    [Fact]
    public async Task Transaction_WithABadETagInTheMiddle_RollsBackEverything()
    {
        var aETag = await SetAsync("a", "a0");
        await SetAsync("b", "b0");
        await SetAsync("d", "d0");

        await Assert.ThrowsAsync<ETagMismatchException>(() => TransactAsync(
            Upsert("a", "a1", aETag),
            Remove("b"),
            Upsert("c", "c1"),
            Upsert("d", "d1", WellFormedWrongETag),
            Upsert("e", "e1")));

        Assert.Equal("a0", await GetTextAsync("a"));
        Assert.Equal(aETag, (await GetAsync("a"))!.ETag);
        Assert.Equal("b0", await GetTextAsync("b"));
        Assert.Null(await GetAsync("c"));
        Assert.Equal("d0", await GetTextAsync("d"));
        Assert.Null(await GetAsync("e"));
    }

    [Fact]
    public async Task Transaction_WithAFailingFirstWrite_RollsBackEverything()
    {
        await SetAsync("exists", "x");

        await Assert.ThrowsAsync<ETagMismatchException>(() => TransactAsync(
            Upsert("a", "a1"),
            StateOperation.Upsert(new StateWrite(Key("exists"), Bytes("y"), Concurrency: StateConcurrency.FirstWrite))));

        Assert.Null(await GetAsync("a"));
        Assert.Equal("x", await GetTextAsync("exists"));
    }

    [Fact]
    public async Task Transaction_DeleteThenUpsertOfTheSameKey_LeavesTheValue()
    {
        await SetAsync("k", "old");

        await TransactAsync(Remove("k"), Upsert("k", "new"));

        Assert.Equal("new", await GetTextAsync("k"));
    }

    [Fact]
    public async Task Transaction_UpsertThenDeleteOfTheSameKey_LeavesNothing()
    {
        await TransactAsync(Upsert("k", "v"), Remove("k"));

        Assert.Null(await GetAsync("k"));
    }

    [Fact]
    public async Task Transaction_ETagCheck_SeesEarlierOperationsOfTheSameTransaction()
    {
        var etag = await SetAsync("k", "v0");

        // The first upsert makes the ETag stale, so the second one must fail and take the first with it.
        await Assert.ThrowsAsync<ETagMismatchException>(() => TransactAsync(Upsert("k", "v1", etag), Upsert("k", "v2", etag)));

        Assert.Equal("v0", await GetTextAsync("k"));
    }

    [Fact]
    public async Task Transaction_Empty_DoesNothing() => await TransactAsync();
}
