using ActorRuntime.Components.Model;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;
using StackExchange.Redis;

namespace ActorRuntime.Components.Tests.State;

/// <summary>Needs the Redis from <c>scripts/services.sh start</c> (or ACTORRT_TEST_REDIS); fails when it is not there.</summary>
public sealed class RedisStateStoreTests : StateStoreContractTests
{
    protected override IStateStore CreateStore() => NewStore();

    private static RedisStateStore NewStore(params (string, string)[] more) =>
        new(TestServers.Component("state.redis", [("redisHost", TestServers.Redis), .. more]));

    protected override string WellFormedWrongETag => "987654321";

    private async Task<T> WithRedisAsync<T>(Func<IDatabase, Task<T>> use)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        return await use(redis.GetDatabase());
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task NonNumericETag_IsInvalid_NotAMismatch(string etag)
    {
        await SetAsync("k", "v");

        await Assert.ThrowsAsync<ETagInvalidException>(() => SetAsync("k", "v2", etag));
        await Assert.ThrowsAsync<ETagInvalidException>(() => Store.DeleteAsync(new StateDelete(Key("k"), etag), Ct));
        await Assert.ThrowsAsync<ETagInvalidException>(() =>
            Store.ExecuteTransactionAsync([StateOperation.Upsert(new StateWrite(Key("k"), Bytes("v3"), etag))], Ct));
        Assert.Equal("v", await GetTextAsync("k"));
    }

    [Fact]
    public async Task Layout_IsDaprs_AHashWithDataAndAnIntegerVersion()
    {
        var etag = await SetAsync("k", "{\"a\":1}", ttl: TimeSpan.FromSeconds(100));

        var (type, data, version, ttl) = await WithRedisAsync(async db => (
            await db.KeyTypeAsync(Key("k")),
            (string?)await db.HashGetAsync(Key("k"), "data"),
            (string?)await db.HashGetAsync(Key("k"), "version"),
            await db.KeyTimeToLiveAsync(Key("k"))));

        Assert.Equal(RedisType.Hash, type);
        Assert.Equal("{\"a\":1}", data);
        Assert.Equal(etag, version);
        Assert.True(long.TryParse(version, out _));
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(100));
    }

    [Fact]
    public async Task ReadsAHashWrittenByDapr()
    {
        await WithRedisAsync(async db =>
        {
            await db.HashSetAsync(Key("dapr"), [new HashEntry("data", "\"hello\""), new HashEntry("version", 7)]);
            return true;
        });

        var state = await GetAsync("dapr");
        Assert.Equal("\"hello\"", System.Text.Encoding.UTF8.GetString(state!.Value));
        Assert.Equal("7", state.ETag);
        Assert.Equal("8", await SetAsync("dapr", "\"again\"", "7"));
    }

    [Fact]
    public async Task StoreDefaultTtl_AppliesWhenNoneIsGiven_AndNegativeOverridesIt()
    {
        await using var store = NewStore(("ttlInSeconds", "100"));
        await store.InitAsync(Ct);

        await store.SetAsync(new StateWrite(Key("defaulted"), Bytes("v")), Ct);
        await store.SetAsync(new StateWrite(Key("forever"), Bytes("v"), Ttl: TimeSpan.FromSeconds(-1)), Ct);

        Assert.NotNull((await store.GetAsync(Key("defaulted"), Ct))!.ExpiresAt);
        Assert.Null((await store.GetAsync(Key("forever"), Ct))!.ExpiresAt);
    }

    [Fact]
    public async Task KeysOfOtherTypes_ReadAsAbsent()
    {
        await WithRedisAsync(db => db.StringSetAsync(Key("plain-string"), "x"));

        Assert.Null(await GetAsync("plain-string"));
    }

    [Fact]
    public async Task UnreachableServer_FailsInit()
    {
        await using var store = new RedisStateStore(TestServers.Component("state.redis", ("redisHost", "127.0.0.1:1"), ("dialTimeout", "1s"), ("maxRetries", "0")));

        await Assert.ThrowsAnyAsync<Exception>(() => store.InitAsync(Ct).WaitAsync(StepTimeout));
    }

    [Theory]
    [InlineData("redisDB", "first")]
    [InlineData("enableTLS", "maybe")]
    [InlineData("ttlInSeconds", "foo")]
    [InlineData("dialTimeout", "soon")]
    [InlineData("maxRetries", "-2")]
    public void BadMetadata_NamesTheField(string field, string value)
    {
        var error = Assert.Throws<ComponentConfigurationException>(() => NewStore((field, value)));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void MissingHost_NamesTheField()
    {
        var error = Assert.Throws<ComponentConfigurationException>(() => new RedisStateStore(TestServers.Component("state.redis")));
        Assert.Equal("redisHost", error.Field);
    }
}
