using System.Diagnostics;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;
using StackExchange.Redis;

namespace ActorRuntime.Components.Tests.State.ChangeFeed;

/// <summary>The Redis store's change feed (client-side tracking), against the real server.</summary>
public sealed class RedisChangeFeedTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly RedisStateStore _store = new(TestServers.Component("state.redis", ("redisHost", TestServers.Redis)));
    private readonly string _prefix = $"feedtest{Guid.NewGuid():N}-";
    private ConnectionMultiplexer _outside = null!;

    public async Task InitializeAsync()
    {
        await _store.InitAsync(CancellationToken.None);
        var outside = ConfigurationOptions.Parse(TestServers.Redis);
        outside.AllowAdmin = true; // CLIENT LIST / CLIENT KILL
        _outside = await ConnectionMultiplexer.ConnectAsync(outside);
        await ChangeRecorder.WaitUntilWatchingAsync(_store, Deadline);
    }

    public async Task DisposeAsync()
    {
        var db = _outside.GetDatabase();
        foreach (var suffix in new[] { "a", "b", "own", "marker", "deleted" }) await db.KeyDeleteAsync(_prefix + suffix);
        await _outside.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task AWriteByAnotherClient_IsReported_WithinTheBound()
    {
        using var changes = new ChangeRecorder(_store);
        var sw = Stopwatch.StartNew();
        await _outside.GetDatabase().HashSetAsync(_prefix + "a", [new("data", "2"), new("version", "7")]);

        await changes.WaitForAsync(c => c.Key == _prefix + "a", Deadline, "an outside HSET");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"reported after {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task DeletesAndExpiriesByOthers_AreReported()
    {
        var db = _outside.GetDatabase();
        await _store.SetAsync(new StateWrite(_prefix + "deleted", "1"u8.ToArray()), CancellationToken.None);
        using var changes = new ChangeRecorder(_store);

        await db.KeyDeleteAsync(_prefix + "deleted");
        await changes.WaitForAsync(c => c.Key == _prefix + "deleted", Deadline, "an outside DEL");

        await db.HashSetAsync(_prefix + "b", [new("data", "1"), new("version", "1")]);
        await changes.WaitForAsync(c => c.Key == _prefix + "b", Deadline, "an outside HSET");
        // The expiry itself (not only the EXPIRE command) must be reported: wait for two more reports of the key,
        // counted before EXPIRE is sent (its report may arrive before the next line runs).
        var before = changes.Seen.Count(c => c.Key == _prefix + "b");
        await db.KeyExpireAsync(_prefix + "b", TimeSpan.FromMilliseconds(100));
        await changes.WaitForAsync(_ => changes.Seen.Count(c => c.Key == _prefix + "b") >= before + 1, Deadline, "EXPIRE");
        await db.KeyExistsAsync(_prefix + "b"); // touches the key, so an expired key is reclaimed now
        await changes.WaitForAsync(_ => changes.Seen.Count(c => c.Key == _prefix + "b") >= before + 2, Deadline, "the expiry");
    }

    [Fact]
    public async Task TheStoresOwnWrites_AreReported_WithoutAVersion()
    {
        using var changes = new ChangeRecorder(_store);
        await _store.SetAsync(new StateWrite(_prefix + "own", "1"u8.ToArray()), CancellationToken.None);

        var change = await changes.WaitForAsync(c => c.Key == _prefix + "own", Deadline, "the store's own write");
        // Redis names the key only: a cache cannot tell its own echo from someone else's write, so it must drop the value.
        Assert.Null(change.ETag);
        Assert.False(change.Deleted);
    }

    [Fact]
    public async Task AfterTheConnectionIsKilled_TrackingComesBack_AndEverythingIsReportedChanged()
    {
        using var changes = new ChangeRecorder(_store);
        var server = _outside.GetServers().First(s => !s.IsReplica);
        // Kill both of this store's connections (the tracking one and the subscription one): a server restart, in small.
        var ours = (await server.ClientListAsync()).Where(c => c.Name == _store.ClientName).Select(c => c.Id).ToList();
        Assert.Equal(2, ours.Count);
        foreach (var id in ours) await server.ExecuteAsync("CLIENT", "KILL", "ID", id);

        await changes.WaitForAsync(c => c.IsAll, Deadline, "the resync after a reconnect");
        await ChangeRecorder.WaitUntilWatchingAsync(_store, Deadline);
        var before = changes.Seen.Count;
        await _outside.GetDatabase().HashSetAsync(_prefix + "a", [new("data", "3"), new("version", "9")]);
        // Each of the two connections' restores sets tracking up again; a write that falls between the two is
        // reported as "everything changed" once tracking is back, which is as good for every cache.
        await changes.WaitForAsync(c => c.Key == _prefix + "a" || c.IsAll, Deadline, "an outside HSET after the reconnect", since: before);
    }
}

/// <summary>A Redis user that may not run CLIENT TRACKING (as on some managed servers): the store works, unwatched.</summary>
public sealed class RedisChangeFeedRefusedTests
{
    [Fact]
    public async Task WithoutTrackingPermission_TheStoreWorks_AndSaysItIsNotWatching()
    {
        var user = $"actorrt-test-{Guid.NewGuid():N}";
        var password = Guid.NewGuid().ToString("N");
        var admin = ConfigurationOptions.Parse(TestServers.Redis);
        admin.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(admin);
        var server = redis.GetServers().First(s => !s.IsReplica);
        await server.ExecuteAsync("ACL", "SETUSER", user, "on", ">" + password, "~*", "&*", "+@all", "-client|tracking");
        try
        {
            await using var store = new RedisStateStore(TestServers.Component("state.redis",
                ("redisHost", TestServers.Redis), ("redisUsername", user), ("redisPassword", password)));
            await store.InitAsync(CancellationToken.None);

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (store.NotWatchingReason?.Contains("refused", StringComparison.Ordinal) != true && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            Assert.False(store.IsWatching);
            Assert.Contains("refused client tracking", store.NotWatchingReason);

            var key = $"feedtest{Guid.NewGuid():N}";
            var etag = await store.SetAsync(new StateWrite(key, "1"u8.ToArray()), CancellationToken.None);
            Assert.Equal(etag, (await store.GetAsync(key, CancellationToken.None))!.ETag);
            await store.DeleteAsync(new StateDelete(key), CancellationToken.None);
        }
        finally
        {
            await server.ExecuteAsync("ACL", "DELUSER", user);
        }
    }
}
