using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;
using Autogen = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.EndToEnd.Tests.SharedStore;

/// <summary>
/// Issue 16 item 5: a read through runtime A reflects the last acknowledged write to a shared store, whoever made it
/// (runtime B, a Redis client, an SQL UPDATE), within <see cref="Bound"/>; <c>consistency=strong</c> at once.
/// The stated bound is 100 ms; the assertion allows <see cref="Bound"/> for a loaded test machine.
/// </summary>
public sealed class SharedStoreFreshnessTests(SharedStoreFixture fixture, ITestOutputHelper log) : IClassFixture<SharedStoreFixture>
{
    /// <summary>What the tests assert: the 100 ms goal plus slack for a 2-core machine running other test suites.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(15);
    private const int Rounds = 10;

    private StateHttp ApiA => new(fixture.A.Http);
    private StateHttp ApiB => new(fixture.B.Http);

    public static TheoryData<string> CachingStores => [SharedStoreFixture.Redis, SharedStoreFixture.Postgres];

    [Theory]
    [MemberData(nameof(CachingStores))]
    public async Task AWriteThroughAnotherRuntime_IsReadInThisOne_WithinTheBound(string store)
    {
        var key = fixture.NewKey("b-writes");
        await ApiA.SaveAsync(store, key, 0);
        var lags = new List<double>();
        for (var round = 1; round <= Rounds; round++)
        {
            // A has the current value cached...
            Assert.Equal(round - 1, (int)(await ApiA.GetExistingAsync(store, key)).Json!);
            // ...B writes, and once B's write is acknowledged the clock runs.
            await ApiB.SaveAsync(store, key, round);
            var lag = await TimeUntilAReadsAsync(store, key, round.ToString());
            lags.Add(lag.TotalMilliseconds);
        }
        Report(store, "runtime B's write", lags);
        Assert.True(lags.Max() <= Bound.TotalMilliseconds, $"slowest: {lags.Max():0.0} ms, bound {Bound.TotalMilliseconds} ms");

        // The failure that started it all: writing with the ETag just read must not be a conflict.
        var read = await ApiA.GetExistingAsync(store, key);
        await ApiA.SaveAsync(store, key, 100, extra: new JsonObject { ["etag"] = read.ETag });
        Assert.Equal(100, (int)(await ApiB.GetExistingAsync(store, key)).Json!);
    }

    [Fact]
    public async Task AWriteByAPlainRedisClient_IsReadWithinTheBound()
    {
        var store = SharedStoreFixture.Redis;
        var key = fixture.NewKey("redis-direct");
        await ApiA.SaveAsync(store, key, 1);
        Assert.Equal(1, (int)(await ApiA.GetExistingAsync(store, key)).Json!);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
        var lags = new List<double>();
        for (var round = 2; round < 2 + Rounds; round++)
        {
            // Dapr's layout: a hash with the JSON bytes and an integer version (the ETag).
            await redis.GetDatabase().HashSetAsync(key, [new("data", round.ToString()), new("version", (1000 + round).ToString())]);
            lags.Add((await TimeUntilAReadsAsync(store, key, round.ToString())).TotalMilliseconds);
            Assert.Equal((1000 + round).ToString(), (await ApiA.GetExistingAsync(store, key)).ETag?.Trim('"'));
        }
        Report(store, "a Redis client's HSET", lags);
        Assert.True(lags.Max() <= Bound.TotalMilliseconds, $"slowest: {lags.Max():0.0} ms, bound {Bound.TotalMilliseconds} ms");

        await redis.GetDatabase().KeyDeleteAsync(key);
        await WaitUntilAsync(async () => (await ApiA.GetAsync(store, key)).Status == HttpStatusCode.NoContent, "the DEL to be seen");
    }

    [Fact]
    public async Task AnSqlUpdateBehindTheRuntimesBack_IsReadWithinTheBound()
    {
        var store = SharedStoreFixture.Postgres;
        var key = fixture.NewKey("sql-direct");
        await ApiA.SaveAsync(store, key, 1);
        Assert.Equal(1, (int)(await ApiA.GetExistingAsync(store, key)).Json!);
        await using var sql = NpgsqlDataSource.Create(ExternalServices.PostgresConnectionString);
        var lags = new List<double>();
        for (var round = 2; round < 2 + Rounds; round++)
        {
            await using var update = sql.CreateCommand(
                $"UPDATE {fixture.PostgresTable} SET value = convert_to(@value, 'UTF8'), etag = gen_random_uuid() WHERE key = @key");
            update.Parameters.AddWithValue("value", round.ToString());
            update.Parameters.AddWithValue("key", key);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
            lags.Add((await TimeUntilAReadsAsync(store, key, round.ToString())).TotalMilliseconds);
        }
        Report(store, "an SQL UPDATE", lags);
        Assert.True(lags.Max() <= Bound.TotalMilliseconds, $"slowest: {lags.Max():0.0} ms, bound {Bound.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task StrongReads_SeeAWriteBehindTheBack_AtOnce_OverHttpAndGrpc()
    {
        var store = SharedStoreFixture.Redis;
        var key = fixture.NewKey("strong");
        await ApiA.SaveAsync(store, key, 0);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
        var stub = new Autogen.Dapr.DaprClient(fixture.A.GrpcChannel);
        for (var round = 1; round <= Rounds; round++)
        {
            Assert.Equal(round - 1, (int)(await ApiA.GetExistingAsync(store, key)).Json!); // cached
            await redis.GetDatabase().HashSetAsync(key, [new("data", round.ToString()), new("version", (500 + round).ToString())]);
            // No waiting: a strong read must go to the store.
            var http = await ApiA.GetAsync(store, key, "?consistency=strong");
            Assert.Equal(round.ToString(), http.Body);
            var grpc = await stub.GetStateAsync(new Autogen.GetStateRequest
            {
                StoreName = store,
                Key = key,
                Consistency = Autogen.StateOptions.Types.StateConsistency.ConsistencyStrong,
            });
            Assert.Equal(round.ToString(), grpc.Data.ToStringUtf8());
        }
        using var bulk = await fixture.A.Http.PostAsync($"/v1.0/state/{store}/bulk?consistency=strong",
            StateHttp.Json(new JsonObject { ["keys"] = new JsonArray(key) }));
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        Assert.Equal(Rounds, (int)JsonNode.Parse(await bulk.Content.ReadAsStringAsync())![0]!["data"]!);
    }

    [Fact]
    public async Task EventualReadsOfAnUnchangedKey_ComeFromMemory_StrongReadsFromRedis()
    {
        var store = SharedStoreFixture.Redis;
        var key = fixture.NewKey("count");
        var marker = fixture.NewKey("marker");
        await ApiA.SaveAsync(store, key, 1);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
        await using var monitor = await RedisMonitor.StartAsync();

        const int reads = 20;
        for (var i = 0; i < reads; i++) Assert.Equal(1, (int)(await ApiA.GetExistingAsync(store, key)).Json!);
        await redis.GetDatabase().KeyExistsAsync(marker); // everything before it is in the MONITOR stream once it is
        await monitor.WaitForAsync(marker, GiveUp);
        var eventual = monitor.CountScripts(key);
        // One load, plus one more if the echo of A's own save arrived after it (Redis names the key, not the version).
        Assert.True(eventual <= 2, $"{reads} eventual reads of an unchanged key went to Redis {eventual} times");

        const int strong = 5;
        for (var i = 0; i < strong; i++) Assert.Equal("1", (await ApiA.GetAsync(store, key, "?consistency=strong")).Body);
        await redis.GetDatabase().KeyExistsAsync(marker + "2");
        await monitor.WaitForAsync(marker + "2", GiveUp);
        Assert.Equal(strong, monitor.CountScripts(key) - eventual);
        log.WriteLine($"Redis commands on the key: {eventual} for {reads} eventual reads, {strong} for {strong} strong reads");
    }

    [Fact]
    public async Task Sqlite_IsReadThrough_SoAnotherProcesssWriteIsReadAtOnce()
    {
        var store = SharedStoreFixture.Sqlite;
        var key = fixture.NewKey("sqlite");
        await ApiA.SaveAsync(store, key, 0);
        for (var round = 1; round <= Rounds; round++)
        {
            Assert.Equal(round - 1, (int)(await ApiA.GetExistingAsync(store, key)).Json!);
            await ApiB.SaveAsync(store, key, round);
            Assert.Equal(round, (int)(await ApiA.GetExistingAsync(store, key)).Json!);
        }
    }

    /// <summary>Polls A as fast as it answers until it returns <paramref name="expected"/>; the time from the call until then.</summary>
    private async Task<TimeSpan> TimeUntilAReadsAsync(string store, string key, string expected)
    {
        var sw = Stopwatch.StartNew();
        string last = "";
        while (sw.Elapsed < GiveUp)
        {
            var read = await ApiA.GetAsync(store, key);
            if (read.Status == HttpStatusCode.OK && read.Body == expected) return sw.Elapsed;
            last = $"{(int)read.Status} {read.Body}";
        }
        throw new Xunit.Sdk.XunitException($"runtime A still read '{last}' for {store}/{key} after {GiveUp.TotalSeconds} s (expected {expected})");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > GiveUp) throw new Xunit.Sdk.XunitException($"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }

    private void Report(string store, string writer, List<double> lags)
    {
        var sorted = lags.Order().ToList();
        log.WriteLine($"{store}: after {writer}, runtime A read the new value in median {sorted[sorted.Count / 2]:0.0} ms, " +
                      $"max {sorted[^1]:0.0} ms over {sorted.Count} writes ({string.Join(", ", lags.Select(l => l.ToString("0.0")))})");
    }
}
