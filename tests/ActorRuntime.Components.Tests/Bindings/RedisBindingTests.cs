using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.Redis;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.Tests.State;
using StackExchange.Redis;

namespace ActorRuntime.Components.Tests.Bindings;

/// <summary><c>bindings.redis</c> against the real Redis: every operation, TTLs, and the errors Dapr gives.</summary>
public sealed class RedisBindingTests : IAsyncLifetime
{
    private readonly string _prefix = "binding-test-" + Guid.NewGuid().ToString("N")[..8] + "-";
    private RedisBinding _binding = null!;
    private ConnectionMultiplexer _redis = null!;

    private IDatabase Db => _redis.GetDatabase();

    public async Task InitializeAsync()
    {
        _binding = new RedisBinding(TestServers.Component("bindings.redis", ("redisHost", TestServers.Redis)));
        await _binding.InitAsync(default);
        _redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*")) await Db.KeyDeleteAsync(key);
        await _binding.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Create_stores_the_bytes_sent_and_get_returns_them()
    {
        var key = _prefix + "a";
        Assert.True((await _binding.Call("create", """{"Hello":"World"}""", ("key", key))).IsEmpty);
        Assert.Equal("""{"Hello":"World"}""", (string?)await Db.StringGetAsync(key));
        var got = await _binding.Call("get", null, ("key", key));
        Assert.False(got.IsEmpty);
        Assert.Equal("""{"Hello":"World"}""", got.Text());
        Assert.Equal(TimeSpan.Zero, (await Db.KeyTimeToLiveAsync(key)) ?? TimeSpan.Zero);
    }

    [Fact]
    public async Task Get_of_a_missing_key_answers_without_data_rather_than_an_error()
    {
        var got = await _binding.Call("get", null, ("key", _prefix + "absent"));
        Assert.False(got.IsEmpty); // 200 with an empty body, as daprd
        Assert.Equal(0, got.Data.Length);
    }

    [Fact]
    public async Task Get_with_delete_true_removes_the_key()
    {
        var key = _prefix + "getdel";
        await Db.StringSetAsync(key, "once");
        Assert.Equal("once", (await _binding.Call("get", null, ("key", key), ("delete", "true"))).Text());
        Assert.False(await Db.KeyExistsAsync(key));
    }

    [Fact]
    public async Task Create_with_ttlInSeconds_expires_the_key()
    {
        var key = _prefix + "ttl";
        await _binding.Call("create", "\"v\"", ("key", key), ("ttlInSeconds", "100"));
        var ttl = await Db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value.TotalSeconds, 90, 100);

        var shortKey = _prefix + "ttl-short";
        await _binding.Call("create", "\"v\"", ("key", shortKey), ("ttlInSeconds", "1"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await Db.KeyExistsAsync(shortKey) && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.False(await Db.KeyExistsAsync(shortKey));
    }

    [Fact]
    public async Task Increment_adds_one_and_can_set_a_ttl()
    {
        var key = _prefix + "counter";
        Assert.True((await _binding.Call("increment", null, ("key", key))).IsEmpty);
        await _binding.Call("increment", null, ("key", key), ("ttlInSeconds", "50"));
        Assert.Equal(2, (long)await Db.StringGetAsync(key));
        Assert.InRange((await Db.KeyTimeToLiveAsync(key))!.Value.TotalSeconds, 40, 50);
    }

    [Fact]
    public async Task Delete_removes_the_key_and_succeeds_for_a_missing_one()
    {
        var key = _prefix + "del";
        await Db.StringSetAsync(key, "x");
        Assert.True((await _binding.Call("delete", null, ("key", key))).IsEmpty);
        Assert.False(await Db.KeyExistsAsync(key));
        Assert.True((await _binding.Call("delete", null, ("key", key))).IsEmpty);
    }

    [Theory]
    [InlineData("abc", "ttlInSeconds value must be a valid integer: actual is 'abc'")]
    [InlineData("0", "ttlInSeconds value must be higher than zero: actual is 0")]
    public async Task A_bad_ttl_is_refused_and_nothing_is_written(string ttl, string message)
    {
        var key = _prefix + "badttl";
        var e = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("create", "1", ("key", key), ("ttlInSeconds", ttl)));
        Assert.Equal(message, e.Message);
        Assert.False(await Db.KeyExistsAsync(key));
    }

    [Fact]
    public async Task A_call_without_key_is_refused_with_daprs_message()
    {
        var e = await Assert.ThrowsAsync<BindingOperationException>(() => _binding.Call("get"));
        Assert.Equal("redis binding: missing key in request metadata", e.Message);
        await Assert.ThrowsAsync<UnsupportedBindingOperationException>(() => _binding.Call("exec", null, ("key", "k")));
        Assert.Equal(["create", "delete", "get", "increment"], _binding.Operations);
        Assert.Equal(["OUTPUT_BINDING"], _binding.Capabilities);
    }

    [Fact]
    public void A_component_without_redisHost_fails_naming_the_field()
    {
        var definition = new ComponentDefinition { Name = "cache", Type = "bindings.redis", SourceFile = "cache.yaml" };
        var e = Assert.Throws<ComponentConfigurationException>(() => new RedisBinding(definition));
        Assert.Equal("file 'cache.yaml', component 'cache', field 'redisHost': is required", e.Message);
    }

    [Fact]
    public async Task An_unreachable_server_fails_init()
    {
        await using var binding = new RedisBinding(TestServers.Component("bindings.redis", ("redisHost", "127.0.0.1:1"), ("dialTimeout", "1s"), ("maxRetries", "0")));
        await Assert.ThrowsAnyAsync<RedisConnectionException>(() => binding.InitAsync(default));
    }
}
