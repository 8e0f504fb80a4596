using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.SharedStore;

/// <summary>
/// Two runtimes that share no cluster (each its own <c>ACTORRT_HOME</c>, so each its own machine-local cluster)
/// but share stores with <c>keyPrefix: none</c>, as two Dapr apps sharing state do: a Redis store, a PostgreSQL
/// table and a SQLite file. Tests use fresh keys.
/// </summary>
public sealed class SharedStoreFixture : IAsyncLifetime
{
    public const string Redis = "sharedredis";
    public const string Postgres = "sharedpg";
    public const string Sqlite = "sharedsqlite";

    private readonly string _sqliteFile = Path.Combine(Path.GetTempPath(), "actorrt-e2e", $"shared-{Guid.NewGuid():N}.sqlite");

    public RuntimeSandbox SandboxA { get; } = new();
    public RuntimeSandbox SandboxB { get; } = new();
    public RuntimeProcess A { get; private set; } = null!;
    public RuntimeProcess B { get; private set; } = null!;
    public string PostgresTable { get; } = "state_shared_" + Guid.NewGuid().ToString("N")[..12];
    public List<string> RedisKeys { get; } = [];

    public async Task InitializeAsync()
    {
        await ExternalServices.EnsureRedisAsync();
        await ExternalServices.EnsurePostgresAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(_sqliteFile)!);
        foreach (var sandbox in new[] { SandboxA, SandboxB })
        {
            sandbox.AddComponent(Redis, ComponentYaml.Component(Redis, "state.redis",
                ("redisHost", ExternalServices.RedisHost), ("keyPrefix", "none")));
            sandbox.AddComponent(Postgres, ComponentYaml.Component(Postgres, "state.postgresql",
                ("connectionString", ExternalServices.PostgresConnectionString), ("tableName", PostgresTable),
                ("metadataTableName", PostgresTable + "_meta"), ("keyPrefix", "none")));
            sandbox.AddComponent(Sqlite, ComponentYaml.Component(Sqlite, "state.sqlite",
                ("connectionString", _sqliteFile), ("keyPrefix", "none")));
        }
        var a = RuntimeProcess.StartAsync(SandboxA);
        var b = RuntimeProcess.StartAsync(SandboxB);
        try
        {
            A = await a;
            B = await b;
        }
        catch
        {
            // Keep nothing running when one of the two failed to start.
            if (a.IsCompletedSuccessfully) await a.Result.DisposeAsync();
            if (b.IsCompletedSuccessfully) await b.Result.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (A is not null) await A.DisposeAsync();
            if (B is not null) await B.DisposeAsync();
            await DeleteRedisKeysAsync();
            await ExternalServices.DropPostgresTablesAsync(PostgresTable, PostgresTable + "_meta");
        }
        finally
        {
            SandboxA.Dispose();
            SandboxB.Dispose();
            foreach (var f in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
                if (File.Exists(f)) File.Delete(f);
        }
    }

    private async Task DeleteRedisKeysAsync()
    {
        try
        {
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
            foreach (var key in RedisKeys) await redis.GetDatabase().KeyDeleteAsync(key);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Best effort: the keys are unique to this run.
        }
    }

    /// <summary>A fresh key; Redis keys are remembered for clean-up (they carry no app-id prefix here).</summary>
    public string NewKey(string stem)
    {
        var key = Keys.New("fresh-" + stem);
        lock (RedisKeys) RedisKeys.Add(key);
        return key;
    }
}
