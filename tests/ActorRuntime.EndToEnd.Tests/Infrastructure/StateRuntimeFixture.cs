namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One runtime shared by the HTTP and gRPC state tests, with one store of each type: <c>inmemory</c>
/// (state.in-memory), <c>sqlite</c> (state.sqlite), <c>redis</c> (state.redis) and <c>postgresql</c>
/// (state.postgresql). Tests use fresh keys, so they do not see each other's data.
/// </summary>
public sealed class StateRuntimeFixture : IAsyncLifetime
{
    public const string InMemory = "inmemory";
    public const string Sqlite = "sqlite";
    public const string Redis = "redis";
    public const string Postgres = "postgresql";

    public static readonly IReadOnlyList<string> StoreNames = [InMemory, Sqlite, Redis, Postgres];

    public static readonly IReadOnlyDictionary<string, string> StoreTypes = new Dictionary<string, string>
    {
        [InMemory] = "state.in-memory",
        [Sqlite] = "state.sqlite",
        [Redis] = "state.redis",
        [Postgres] = "state.postgresql",
    };

    public RuntimeSandbox Sandbox { get; } = new();
    public RuntimeProcess Runtime { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ExternalServices.EnsureRedisAsync();
        await ExternalServices.EnsurePostgresAsync();
        Sandbox.AddInMemory(InMemory).AddSqlite(Sqlite).AddRedis(Redis).AddPostgres(Postgres);
        Runtime = await RuntimeProcess.StartAsync(Sandbox);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Runtime is not null)
            {
                // A graceful stop also checks that SIGTERM works after a long session.
                await Runtime.StopAsync(TimeSpan.FromSeconds(20));
                await Runtime.DisposeAsync();
            }
            await Sandbox.CleanExternalDataAsync();
        }
        finally
        {
            Sandbox.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StateRuntimeCollection : ICollectionFixture<StateRuntimeFixture>
{
    public const string Name = "state runtime (all four stores)";
}

/// <summary>Theory data: every store type.</summary>
public sealed class AllStores : TheoryData<string>
{
    public AllStores()
    {
        foreach (var s in StateRuntimeFixture.StoreNames) Add(s);
    }
}

/// <summary>Unique keys, so tests sharing a store never collide (also across reruns against Redis/PostgreSQL).</summary>
public static class Keys
{
    public static string New(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..12]}";
}
