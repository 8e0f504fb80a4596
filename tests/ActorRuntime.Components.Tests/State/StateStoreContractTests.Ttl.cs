using ActorRuntime.Components.State;

namespace ActorRuntime.Components.Tests.State;

public abstract partial class StateStoreContractTests
{
    private static readonly TimeSpan ExpiryDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Polls until the key reads as absent; false when it is still there after <see cref="ExpiryDeadline"/>.</summary>
    private async Task<bool> WaitUntilGoneAsync(string name)
    {
        var deadline = DateTime.UtcNow + ExpiryDeadline;
        while (DateTime.UtcNow < deadline)
        {
            if (await GetAsync(name) is null) return true;
            await Task.Delay(200, Ct);
        }
        return false;
    }

    [Fact]
    public async Task Ttl_EntryDisappearsAfterItExpires()
    {
        await SetAsync("short", "v", ttl: TimeSpan.FromSeconds(1));
        await SetAsync("forever", "v");

        Assert.True(await WaitUntilGoneAsync("short"), "the entry with a 1s TTL was still readable after 10s");
        Assert.NotNull(await GetAsync("forever"));
        var scanned = new List<string>();
        await foreach (var (key, _) in Store.ScanAsync(Prefix, Ct)) scanned.Add(key);
        Assert.Equal([Key("forever")], scanned);
    }

    [Fact]
    public async Task Ttl_SetsExpiresAt_AboutNowPlusTtl()
    {
        var before = DateTimeOffset.UtcNow;
        await SetAsync("k", "v", ttl: TimeSpan.FromSeconds(60));

        var expiresAt = (await GetAsync("k"))!.ExpiresAt;

        Assert.NotNull(expiresAt);
        Assert.InRange(expiresAt.Value, before.AddSeconds(55), DateTimeOffset.UtcNow.AddSeconds(65));
    }

    [Fact]
    public async Task Ttl_SavingAgainWithoutTtl_RemovesTheExpiry()
    {
        await SetAsync("k", "v1", ttl: TimeSpan.FromSeconds(2));
        await SetAsync("k", "v2");

        Assert.Null((await GetAsync("k"))!.ExpiresAt);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Equal("v2", await GetTextAsync("k"));
    }

    [Fact]
    public async Task Ttl_NegativeMeansNeverExpire()
    {
        await SetAsync("k", "v", ttl: TimeSpan.FromSeconds(-1));

        Assert.Null((await GetAsync("k"))!.ExpiresAt);
    }

    [Fact]
    public async Task Ttl_ExpiredKey_IsAbsentForETagsAndFirstWrite()
    {
        var etag = await SetAsync("k", "v", ttl: TimeSpan.FromSeconds(1));
        Assert.True(await WaitUntilGoneAsync("k"));

        await Assert.ThrowsAsync<ETagMismatchException>(() => SetAsync("k", "v2", etag));
        await Store.SetAsync(new StateWrite(Key("k"), Bytes("v3"), Concurrency: StateConcurrency.FirstWrite), Ct);
        Assert.Equal("v3", await GetTextAsync("k"));
    }
}
