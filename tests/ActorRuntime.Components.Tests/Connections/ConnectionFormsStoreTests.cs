using System.Text;
using ActorRuntime.Components.State;
using ActorRuntime.Components.State.Stores;
using ActorRuntime.Components.Tests.State;
using Npgsql;
using StackExchange.Redis;

namespace ActorRuntime.Components.Tests.Connections;

/// <summary>
/// Real stores opened with connection settings written as Dapr's docs write them, against the test PostgreSQL and Redis
/// (<c>scripts/services.sh start</c>); fails, never skips, when they are not there.
/// </summary>
public sealed class ConnectionFormsStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _table = "state_connforms_" + Guid.NewGuid().ToString("N");
    private readonly string _metadataTable = "metadata_connforms_" + Guid.NewGuid().ToString("N");
    private static CancellationToken Ct => new CancellationTokenSource(Deadline).Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {_table}; DROP TABLE IF EXISTS {_metadataTable};");
        await drop.ExecuteNonQueryAsync();
    }

    private static NpgsqlConnectionStringBuilder Server => new(TestServers.Postgres);

    /// <summary>The test server in libpq's form, with pool and timeout keys as Dapr's samples use them.</summary>
    private static string KeywordValueForm()
    {
        var s = Server;
        var text = new StringBuilder($"host={s.Host} port={s.Port} user={s.Username} dbname={s.Database} connect_timeout=10 pool_min_conns=1 pool_max_conns=10");
        if (!string.IsNullOrEmpty(s.Password)) text.Append(" password='").Append(s.Password.Replace("\\", "\\\\").Replace("'", "\\'")).Append('\'');
        return text.ToString();
    }

    private static string UrlForm()
    {
        var s = Server;
        var password = string.IsNullOrEmpty(s.Password) ? "" : ":" + Uri.EscapeDataString(s.Password);
        return $"postgres://{Uri.EscapeDataString(s.Username!)}{password}@{s.Host}:{s.Port}/{Uri.EscapeDataString(s.Database!)}?sslmode=disable&connect_timeout=10&pool_max_conns=5";
    }

    public static TheoryData<string> PostgresForms => new() { "keyword/value", "url" };

    [Theory]
    [MemberData(nameof(PostgresForms))]
    public async Task PostgresStore_OpensWithDaprsForms(string form)
    {
        var connectionString = form == "url" ? UrlForm() : KeywordValueForm();
        await using var store = new PostgresStateStore(TestServers.Component("state.postgresql",
            ("connectionString", connectionString), ("tableName", _table), ("metadataTableName", _metadataTable)));
        await store.InitAsync(Ct);

        var key = form + "-" + Guid.NewGuid().ToString("N");
        await store.SetAsync(new StateWrite(key, "v"u8.ToArray()), Ct);

        var read = await store.GetAsync(key, Ct);
        Assert.Equal("v", Encoding.UTF8.GetString(Assert.IsType<StoredState>(read).Value));
    }

    [Fact]
    public async Task PostgresStore_WrongServerInDaprsForm_FailsToConnect_NotToParse()
    {
        // Port 1 refuses: the error is a connection failure, and the libpq text was not taken for a host name.
        await using var store = new PostgresStateStore(TestServers.Component("state.postgresql",
            ("connectionString", $"host=127.0.0.1 port=1 user=postgres dbname=actorrt connect_timeout=5"), ("tableName", _table)));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.InitAsync(Ct));
        Assert.DoesNotContain("Name or service not known", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisStore_UsesRedisDbAndTimeouts()
    {
        await using var store = new RedisStateStore(TestServers.Component("state.redis",
            ("redisHost", TestServers.Redis), ("redisDB", "3"), ("dialTimeout", "5s"), ("readTimeout", "3000"), ("writeTimeout", "3s"),
            ("maxRetries", "2"), ("maxRetryBackoff", "500ms"), ("poolSize", "20"), ("idleTimeout", "5m")));
        await store.InitAsync(Ct);
        var key = "connforms-" + Guid.NewGuid().ToString("N");
        await store.SetAsync(new StateWrite(key, "v"u8.ToArray()), Ct);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        try
        {
            Assert.True(await redis.GetDatabase(3).KeyExistsAsync(key));
            Assert.False(await redis.GetDatabase(0).KeyExistsAsync(key));
        }
        finally
        {
            await redis.GetDatabase(3).KeyDeleteAsync(key);
        }
    }
}
