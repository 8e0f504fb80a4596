using System.Text;
using ActorRuntime.Components.State;

namespace ActorRuntime.Components.Tests.State;

/// <summary>
/// The behaviour every state store must have (Dapr conformance S1-S8, S11). Each store has a subclass that says how
/// to build it. Every test works under its own key prefix, so runs against shared servers do not see each other.
/// </summary>
public abstract partial class StateStoreContractTests : IAsyncLifetime
{
    /// <summary>Upper bound for any single test step, so a hung backend fails the test instead of hanging the run.</summary>
    protected static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    protected IStateStore Store { get; private set; } = null!;
    protected string Prefix { get; } = $"test{Guid.NewGuid():N}||";
    protected CancellationToken Ct => _timeout.Token;

    /// <summary>Builds a new, not yet initialised store.</summary>
    protected abstract IStateStore CreateStore();

    /// <summary>An ETag in the store's own format that no entry has (a format error would test something else).</summary>
    protected abstract string WellFormedWrongETag { get; }

    private readonly List<string> _keysOutsidePrefix = [];

    protected string Key(string name) => Prefix + name;

    /// <summary>Registers a key that does not start with <see cref="Prefix"/> so that it is still deleted afterwards.</summary>
    protected string OutsidePrefix(string fullKey)
    {
        _keysOutsidePrefix.Add(fullKey);
        return fullKey;
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.InitAsync(Ct).WaitAsync(StepTimeout);
    }

    public async Task DisposeAsync()
    {
        try
        {
            // Servers outlive the test run; leave nothing behind under this test's prefix.
            var keys = new List<string>(_keysOutsidePrefix);
            await foreach (var (key, _) in Store.ScanAsync(Prefix, Ct)) keys.Add(key);
            foreach (var key in keys) await Store.DeleteAsync(new StateDelete(key), Ct);
        }
        finally
        {
            await Store.DisposeAsync();
            await CleanUpAsync();
            _timeout.Dispose();
        }
    }

    /// <summary>Removes whatever the subclass created for the store (files, tables).</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    protected async Task<string> SetAsync(string name, string value, string? etag = null, TimeSpan? ttl = null) =>
        await Store.SetAsync(new StateWrite(Key(name), Bytes(value), etag, Ttl: ttl), Ct).WaitAsync(StepTimeout);

    protected async Task<StoredState?> GetAsync(string name) => await Store.GetAsync(Key(name), Ct).WaitAsync(StepTimeout);

    protected async Task<string?> GetTextAsync(string name) =>
        await GetAsync(name) is { } state ? Encoding.UTF8.GetString(state.Value) : null;

    [Fact]
    public void Features_AreTheOnesEveryStoreHere_Claims()
    {
        var required = StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.Ttl | StateStoreFeatures.Actor;
        Assert.Equal(required, Store.Features & required);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("\"plain string\"")]
    [InlineData("\"{\\\"a\\\":1}\"")]
    [InlineData("{\"name\":\"a struct\",\"n\":[1,2,3]}")]
    [InlineData("not json at all")]
    public async Task SetThenGet_ReturnsTheSameBytesAndAnETag(string value)
    {
        var etag = await SetAsync("k", value);

        var state = await GetAsync("k");
        Assert.NotNull(state);
        Assert.Equal(Bytes(value), state.Value);
        Assert.Equal(etag, state.ETag);
        Assert.False(string.IsNullOrEmpty(state.ETag));
        Assert.Null(state.ExpiresAt);
    }

    [Fact]
    public async Task SetThenGet_RawBinary_ComesBackIdentical()
    {
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0xC3, 0x28, 0xFF, 0x00 }).ToArray();
        await Store.SetAsync(new StateWrite(Key("bin"), value), Ct);

        Assert.Equal(value, (await GetAsync("bin"))!.Value);
    }

    [Fact]
    public async Task Get_MissingKey_ReturnsNull() => Assert.Null(await GetAsync("never-written"));

    [Fact]
    public async Task Set_Overwrites_AndChangesTheETag()
    {
        var first = await SetAsync("k", "1");
        var second = await SetAsync("k", "2");

        Assert.NotEqual(first, second);
        Assert.Equal("2", await GetTextAsync("k"));
    }

    [Fact]
    public async Task Delete_ThenGet_ReturnsNull()
    {
        await SetAsync("k", "v");
        await Store.DeleteAsync(new StateDelete(Key("k")), Ct);

        Assert.Null(await GetAsync("k"));
    }

    [Fact]
    public async Task Delete_MissingKey_Succeeds() => await Store.DeleteAsync(new StateDelete(Key("never-written")), Ct);

    [Fact]
    public async Task Set_WithWrongETag_ThrowsMismatch_AndKeepsTheValue()
    {
        await SetAsync("k", "original");

        await Assert.ThrowsAsync<ETagMismatchException>(() => SetAsync("k", "changed", WellFormedWrongETag));
        Assert.Equal("original", await GetTextAsync("k"));
    }

    [Fact]
    public async Task Set_WithETagOnMissingKey_ThrowsMismatch()
    {
        await Assert.ThrowsAsync<ETagMismatchException>(() => SetAsync("k", "v", WellFormedWrongETag));
        Assert.Null(await GetAsync("k"));
    }

    [Fact]
    public async Task Set_WithRightETag_Succeeds_AndChangesTheETag()
    {
        var etag = await SetAsync("k", "1");

        var next = await SetAsync("k", "2", etag);

        Assert.NotEqual(etag, next);
        var state = await GetAsync("k");
        Assert.Equal(next, state!.ETag);
        Assert.Equal("2", Encoding.UTF8.GetString(state.Value));
        // The old ETag is stale now.
        await Assert.ThrowsAsync<ETagMismatchException>(() => SetAsync("k", "3", etag));
    }

    [Fact]
    public async Task Delete_WithWrongETag_ThrowsMismatch_AndKeepsTheValue()
    {
        await SetAsync("k", "v");

        await Assert.ThrowsAsync<ETagMismatchException>(() => Store.DeleteAsync(new StateDelete(Key("k"), WellFormedWrongETag), Ct));
        Assert.Equal("v", await GetTextAsync("k"));
    }

    [Fact]
    public async Task Delete_WithETagOnMissingKey_ThrowsMismatch() =>
        await Assert.ThrowsAsync<ETagMismatchException>(() => Store.DeleteAsync(new StateDelete(Key("k"), WellFormedWrongETag), Ct));

    [Fact]
    public async Task Delete_WithRightETag_Deletes()
    {
        var etag = await SetAsync("k", "v");

        await Store.DeleteAsync(new StateDelete(Key("k"), etag), Ct);

        Assert.Null(await GetAsync("k"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task FirstWrite_WithoutETag_IsInsertOnly(string? noETag)
    {
        var write = new StateWrite(Key("k"), Bytes("first"), noETag, StateConcurrency.FirstWrite);
        await Store.SetAsync(write, Ct);

        await Assert.ThrowsAsync<ETagMismatchException>(() => Store.SetAsync(write with { Value = Bytes("second") }, Ct));
        Assert.Equal("first", await GetTextAsync("k"));
    }

    [Fact]
    public async Task FirstWrite_WithCurrentETag_Succeeds_AndWithTheStaleOneFails()
    {
        var etag = await SetAsync("k", "1");
        var write = new StateWrite(Key("k"), Bytes("2"), etag, StateConcurrency.FirstWrite);

        await Store.SetAsync(write, Ct);

        await Assert.ThrowsAsync<ETagMismatchException>(() => Store.SetAsync(write with { Value = Bytes("3") }, Ct));
        Assert.Equal("2", await GetTextAsync("k"));
    }

    [Fact]
    public async Task FirstWrite_AfterDelete_InsertsAgain()
    {
        await SetAsync("k", "1");
        await Store.DeleteAsync(new StateDelete(Key("k")), Ct);

        await Store.SetAsync(new StateWrite(Key("k"), Bytes("2"), Concurrency: StateConcurrency.FirstWrite), Ct);

        Assert.Equal("2", await GetTextAsync("k"));
    }
}
