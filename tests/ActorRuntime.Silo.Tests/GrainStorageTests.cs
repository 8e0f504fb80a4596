using System.Text;
using System.Text.Json;
using ActorRuntime.Components;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.State;
using ActorRuntime.Silo.Hosting;
using ActorRuntime.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

/// <summary>
/// What every grain storage <c>AddActorRuntimeSilo</c> can configure must do: read back what was written with an ETag,
/// refuse stale ETags with <see cref="InconsistentStateException"/>, delete on clear, and keep state across a
/// deactivation and a silo restart. Each test has its own ServiceId (and database where there is one), a single-silo
/// in-process cluster, and finishes within 60 s.
/// </summary>
public abstract class GrainStorageContract(ITestOutputHelper output)
{
    protected ITestOutputHelper Output { get; } = output;
    protected string ServiceId { get; } = TestComponents.NewServiceId("gs");

    protected abstract void Configure(ActorRuntimeSiloOptions options);

    /// <summary>A catalog shared by both silos of a restart (the in-memory state store lives in it).</summary>
    protected virtual ComponentCatalog? SharedCatalog => null;

    protected Task<RuntimeSilo> StartSilo(CancellationToken ct) => RuntimeSilo.StartAsync(Output, o =>
    {
        o.Cluster = ClusterMode.InProcess;
        o.ServiceId = ServiceId;
        o.Reminders = ReminderStorageKind.Memory;
        Configure(o);
    }, ct, SharedCatalog);

    protected static CancellationToken Budget(out CancellationTokenSource cts)
    {
        cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        return cts.Token;
    }

    [Fact(Timeout = 60_000)]
    public async Task Written_state_reads_back_with_an_etag()
    {
        var ct = Budget(out var cts);
        using var _ = cts;
        await using var silo = await StartSilo(ct);
        var grain = silo.Grains.GetGrain<IStoredGrain>("k1");

        var fresh = await grain.Get();
        Assert.False(fresh.RecordExists);
        Assert.Null(fresh.Value);

        var first = await grain.Set("one");
        Assert.True(first.RecordExists);
        Assert.False(string.IsNullOrEmpty(first.ETag));
        var second = await grain.Set("two");
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(new StoredSnapshot("two", 2, second.ETag, true), await grain.Get());
    }

    [Fact(Timeout = 60_000)]
    public async Task Stale_etags_are_inconsistent_state()
    {
        var ct = Budget(out var cts);
        using var _ = cts;
        await using var silo = await StartSilo(ct);
        var storage = silo.Host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageExtensions.DefaultName);
        var id = GrainId.Create("probe", Guid.NewGuid().ToString("N"));

        var mine = new GrainState<ProbeState>(new ProbeState { Value = "a" });
        await storage.WriteStateAsync("data", id, mine, ct);
        var e1 = mine.ETag;
        Assert.False(string.IsNullOrEmpty(e1));

        // A writer that never read the state may only insert: the record exists, so it loses.
        var blind = new GrainState<ProbeState>(new ProbeState { Value = "blind" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("data", id, blind, ct));

        mine.State!.Value = "b";
        await storage.WriteStateAsync("data", id, mine, ct);
        Assert.NotEqual(e1, mine.ETag);

        var stale = new GrainState<ProbeState>(new ProbeState { Value = "stale" }, e1);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("data", id, stale, ct));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("data", id, stale, ct));

        var read = new GrainState<ProbeState>();
        await storage.ReadStateAsync("data", id, read, ct);
        Assert.True(read.RecordExists);
        Assert.Equal("b", read.State!.Value);
        Assert.Equal(mine.ETag, read.ETag);

        await storage.ClearStateAsync("data", id, read, ct);
        Assert.False(read.RecordExists);
        var gone = new GrainState<ProbeState>();
        await storage.ReadStateAsync("data", id, gone, ct);
        Assert.False(gone.RecordExists);
        Assert.Null(gone.State?.Value);

        // After a clear the state can be written afresh.
        var again = new GrainState<ProbeState>(new ProbeState { Value = "c" });
        await storage.WriteStateAsync("data", id, again, ct);
        var reread = new GrainState<ProbeState>();
        await storage.ReadStateAsync("data", id, reread, ct);
        Assert.Equal("c", reread.State!.Value);
    }

    [Fact(Timeout = 60_000)]
    public async Task Clear_deletes_the_state()
    {
        var ct = Budget(out var cts);
        using var _ = cts;
        await using var silo = await StartSilo(ct);
        var grain = silo.Grains.GetGrain<IStoredGrain>("k-clear");
        await grain.Set("doomed");
        await grain.Clear();
        var cleared = await grain.Get();
        Assert.False(cleared.RecordExists);
        Assert.Null(cleared.Value);

        await grain.Deactivate();
        var reloaded = await TestSilos.Eventually(grain.Get, s => s.Value is null, TimeSpan.FromSeconds(10), "state still cleared after reactivation", ct);
        Assert.False(reloaded.RecordExists);
        await AssertDeletedInBackingStore(silo, grain, ct);
    }

    /// <summary>Where the backing store can be looked at directly, check the record is gone (not merely emptied).</summary>
    protected virtual Task AssertDeletedInBackingStore(RuntimeSilo silo, IStoredGrain grain, CancellationToken ct) => Task.CompletedTask;

    [Fact(Timeout = 60_000)]
    public async Task State_survives_deactivation()
    {
        var ct = Budget(out var cts);
        using var _ = cts;
        await using var silo = await StartSilo(ct);
        var grain = silo.Grains.GetGrain<IStoredGrain>("k-deact");
        var written = await grain.Set("kept");
        await grain.Deactivate();
        // The next call may still reach the deactivating activation; poll until a fresh one answers from storage.
        var read = await TestSilos.Eventually(grain.Get, s => s.Value == "kept", TimeSpan.FromSeconds(10), "state after deactivation", ct);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(1, read.Writes);
    }

    [Fact(Timeout = 60_000)]
    public async Task State_survives_a_silo_restart()
    {
        var ct = Budget(out var cts);
        using var _ = cts;
        StoredSnapshot written;
        await using (var first = await StartSilo(ct))
        {
            written = await first.Grains.GetGrain<IStoredGrain>("k-restart").Set("durable");
        }
        await using var second = await StartSilo(ct);
        var grain = second.Grains.GetGrain<IStoredGrain>("k-restart");
        var read = await grain.Get();
        Assert.Equal("durable", read.Value);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(read.RecordExists);
        var next = await grain.Set("again");
        Assert.Equal(2, next.Writes);
    }
}

/// <summary>The default: grain state in the actor state store component, as JSON under our key layout.</summary>
public abstract class StateStoreGrainStorageContract(ITestOutputHelper output) : GrainStorageContract(output)
{
    protected abstract ComponentDefinition Component { get; }

    protected override void Configure(ActorRuntimeSiloOptions options)
    {
        options.Storage = GrainStorageKind.StateStore;
        options.Components = [Component];
    }

    private string KeyOf(IStoredGrain grain, string stateName) => GrainStateKey.For(ServiceId, grain.GetGrainId(), stateName);

    protected override async Task AssertDeletedInBackingStore(RuntimeSilo silo, IStoredGrain grain, CancellationToken ct) =>
        Assert.Null(await silo.Catalog.GetStateStore(Component.InstanceId).GetAsync(KeyOf(grain, "data"), ct));

    [Fact(Timeout = 60_000)]
    public async Task State_is_json_under_the_documented_key()
    {
        var ct = Budget(out var cts);
        using var _ = cts;
        await using var silo = await StartSilo(ct);
        var grain = silo.Grains.GetGrain<IStoredGrain>("k-layout");
        var written = await grain.Set("hello");

        var key = KeyOf(grain, "data");
        Assert.Equal($"{ServiceId}||grain||stored||k-layout||data", key);
        var stored = await silo.Catalog.GetStateStore(Component.InstanceId).GetAsync(key, ct);
        Assert.NotNull(stored);
        Assert.Equal(written.ETag, stored.ETag);
        using var json = JsonDocument.Parse(stored.Value);
        Assert.Equal("hello", json.RootElement.GetProperty("value").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("writes").GetInt32());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_write_behind_the_grains_back_makes_its_next_write_fail()
    {
        var ct = Budget(out var cts);
        using var _ = cts;
        await using var silo = await StartSilo(ct);
        var grain = silo.Grains.GetGrain<IStoredGrain>("k-race");
        await grain.Set("mine");

        var store = silo.Catalog.GetStateStore(Component.InstanceId);
        await store.SetAsync(new StateWrite(KeyOf(grain, "data"), Encoding.UTF8.GetBytes("""{"value":"theirs","writes":7}""")), ct);

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Set("lost"));
        // The other writer's value stands; a fresh activation sees it.
        await grain.Deactivate();
        var seen = await TestSilos.Eventually(grain.Get, s => s.Value == "theirs", TimeSpan.FromSeconds(10), "the other writer's value", ct);
        Assert.Equal(7, seen.Writes);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_component_name_is_a_grain_storage_too()
    {
        var ct = Budget(out var cts);
        using var _ = cts;
        await using var silo = await StartSilo(ct);
        var named = silo.Host.Services.GetRequiredKeyedService<IGrainStorage>(Component.Name);
        Assert.Equal(Component.Name, Assert.IsType<StateStoreGrainStorage>(named).Component?.Name);

        var grain = silo.Grains.GetGrain<INamedStoreGrain>("k-named");
        await grain.Set("by name");
        Assert.Equal("by name", await grain.Get());
        var stored = await silo.Catalog.GetStateStore(Component.InstanceId)
            .GetAsync(GrainStateKey.For(ServiceId, grain.GetGrainId(), "named"), ct);
        Assert.NotNull(stored);
    }
}

[Collection(nameof(ClusterCollection))]
public sealed class InMemoryStateStoreGrainStorageTests(ITestOutputHelper output) : StateStoreGrainStorageContract(output), IAsyncLifetime
{
    private readonly ComponentCatalog _catalog = new();

    protected override ComponentDefinition Component { get; } = TestComponents.StateStore("state.in-memory");

    protected override ComponentCatalog? SharedCatalog => _catalog;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _catalog.DisposeAsync();
}

[Collection(nameof(ClusterCollection))]
public sealed class SqliteStateStoreGrainStorageTests(ITestOutputHelper output) : StateStoreGrainStorageContract(output), IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-gs-").FullName;

    protected override ComponentDefinition Component =>
        TestComponents.StateStore("state.sqlite", metadata: ("connectionString", Path.Combine(_dir, "state.sqlite")));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[Collection(nameof(ClusterCollection))]
public sealed class PostgresStateStoreGrainStorageTests(ITestOutputHelper output) : StateStoreGrainStorageContract(output), IDisposable
{
    private readonly TestPostgresDatabase _db = new();

    protected override ComponentDefinition Component =>
        TestComponents.StateStore("state.postgresql", metadata: ("connectionString", _db.ConnectionString));

    public void Dispose() => _db.Dispose();
}

/// <summary><c>Storage = postgresql</c>: Orleans' ADO.NET grain storage on our PostgreSQL-Persistence.sql.</summary>
[Collection(nameof(ClusterCollection))]
public sealed class AdoNetPostgresGrainStorageTests(ITestOutputHelper output) : GrainStorageContract(output), IDisposable
{
    private readonly TestPostgresDatabase _db = new();

    protected override void Configure(ActorRuntimeSiloOptions options)
    {
        options.Storage = GrainStorageKind.PostgreSql;
        options.StorageConnectionString = _db.ConnectionString;
    }

    protected override async Task AssertDeletedInBackingStore(RuntimeSilo silo, IStoredGrain grain, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM OrleansStorage WHERE ServiceId = @s AND GrainIdExtensionString = 'k-clear'", connection);
        command.Parameters.AddWithValue("s", ServiceId);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync(ct))!);
    }

    public void Dispose() => _db.Dispose();
}

/// <summary><c>Storage = redis</c>: Orleans' Redis grain storage.</summary>
[Collection(nameof(ClusterCollection))]
public sealed class RedisGrainStorageTests(ITestOutputHelper output) : GrainStorageContract(output), IDisposable
{
    protected override void Configure(ActorRuntimeSiloOptions options)
    {
        options.Storage = GrainStorageKind.Redis;
        options.StorageConnectionString = TestComponents.Redis;
    }

    public void Dispose() => TestRedis.DeleteKeys(ServiceId + "/*");
}

/// <summary><c>Storage = memory</c>: no restart survival, the rest holds.</summary>
[Collection(nameof(ClusterCollection))]
public sealed class MemoryGrainStorageTests(ITestOutputHelper output)
{
    [Fact(Timeout = 60_000)]
    public async Task Memory_storage_reads_back_and_refuses_stale_etags()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        await using var silo = await RuntimeSilo.StartAsync(output, o =>
        {
            o.Cluster = ClusterMode.InProcess;
            o.Storage = GrainStorageKind.Memory;
            o.Reminders = ReminderStorageKind.Memory;
        }, ct);
        var grain = silo.Grains.GetGrain<IStoredGrain>("m1");
        await grain.Set("x");
        Assert.Equal("x", (await grain.Get()).Value);
        var storage = silo.Host.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageExtensions.DefaultName);
        var id = GrainId.Create("probe", "m2");
        await storage.WriteStateAsync("data", id, new GrainState<ProbeState>(new ProbeState { Value = "a" }), ct);
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync("data", id, new GrainState<ProbeState>(new ProbeState { Value = "b" }, "nope"), ct));
    }
}

/// <summary>How <c>AddActorRuntimeSilo</c> picks the state store for grain state.</summary>
[Collection(nameof(ClusterCollection))]
public sealed class GrainStorageSelectionTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-sel-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task The_store_marked_actorStateStore_is_the_default_and_every_store_has_its_name()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        var plain = TestComponents.StateStore("state.in-memory", name: "cache", actorStateStore: false);
        var actors = TestComponents.StateStore("state.sqlite", name: "actors", metadata: ("connectionString", Path.Combine(_dir, "a.sqlite")));
        await using var silo = await RuntimeSilo.StartAsync(output, o =>
        {
            o.Cluster = ClusterMode.InProcess;
            o.Reminders = ReminderStorageKind.Memory;
            o.Components = [plain, actors];
        }, ct);
        var services = silo.Host.Services;
        Assert.Equal("actors", Assert.IsType<StateStoreGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>("Default")).Component?.Name);
        Assert.Equal("actors", Assert.IsType<StateStoreGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>("actors")).Component?.Name);
        Assert.Equal("cache", Assert.IsType<StateStoreGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>("cache")).Component?.Name);
        await silo.Grains.GetGrain<IStoredGrain>("sel").Set("v");
        Assert.NotNull(await silo.Catalog.GetStateStore(actors.InstanceId)
            .GetAsync(GrainStateKey.For("actorrt", silo.Grains.GetGrain<IStoredGrain>("sel").GetGrainId(), "data"), ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_an_actor_state_store_the_silo_starts_and_grain_state_fails_with_a_clear_message()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        await using var silo = await RuntimeSilo.StartAsync(output, o =>
        {
            o.Cluster = ClusterMode.InProcess;
            o.Reminders = ReminderStorageKind.Memory;
            o.Components =
            [
                TestComponents.StateStore("state.in-memory", name: "one", actorStateStore: false),
                TestComponents.StateStore("state.in-memory", name: "two", actorStateStore: false),
            ];
        }, ct);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => silo.Grains.GetGrain<IStoredGrain>("none").Get());
        Assert.Contains("actorStateStore", error.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Components_are_loaded_from_resources_paths()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "components")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.sqlite
              version: v1
              metadata:
              - name: connectionString
                value: "{Path.Combine(_dir, "from-yaml.sqlite")}"
              - name: actorStateStore
                value: "true"
            """, ct);
        await using var silo = await RuntimeSilo.StartAsync(output, o =>
        {
            o.Cluster = ClusterMode.InProcess;
            o.Reminders = ReminderStorageKind.Memory;
            o.ResourcesPaths = [folder];
        }, ct);
        var grain = silo.Grains.GetGrain<INamedStoreGrain>("yaml");
        await grain.Set("from yaml");
        Assert.Equal("from yaml", await grain.Get());
        Assert.True(File.Exists(Path.Combine(_dir, "from-yaml.sqlite")));
    }
}

/// <summary>Small helpers against the Redis test server.</summary>
internal static class TestRedis
{
    public static void DeleteKeys(string pattern)
    {
        try
        {
            using var redis = StackExchange.Redis.ConnectionMultiplexer.Connect(TestComponents.Redis);
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            var db = redis.GetDatabase();
            foreach (var key in server.Keys(pattern: pattern)) db.KeyDelete(key);
        }
        catch (StackExchange.Redis.RedisException)
        {
        }
    }
}
