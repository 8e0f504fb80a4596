using ActorRuntime.Silo.Clustering;
using ActorRuntime.Silo.Hosting;
using ActorRuntime.Silo.Reminders;
using ActorRuntime.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

/// <summary>Our schemas: every query key the providers need, idempotent and concurrent application.</summary>
public sealed class SqliteRemindersSchemaTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-remschema-").FullName;

    [Fact]
    public void Script_inserts_every_query_key()
    {
        var script = SqliteRemindersSchema.Script();
        foreach (var key in SqliteRemindersSchema.QueryKeys) Assert.Contains($"'{key}'", script);
    }

    [Fact(Timeout = 60_000)]
    public async Task Applying_twice_and_concurrently_leaves_every_key_once()
    {
        var file = Path.Combine(_dir, "sub", "reminders.db");
        SqliteRemindersSchema.Apply(file);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteRemindersSchema.Apply(file))));
        Assert.Equal(SqliteRemindersSchema.QueryKeys.Order(StringComparer.Ordinal), SqliteRemindersSchema.InstalledQueryKeys(file));
    }

    [Fact(Timeout = 60_000)]
    public async Task Sqlite_database_init_applies_clustering_and_reminders_to_one_file()
    {
        var file = Path.Combine(_dir, "all.db");
        var applied = await ActorRuntimeDatabase.InitializeAsync("sqlite", file);
        Assert.Equal(["clustering", "reminders"], applied);
        var installed = SqliteRemindersSchema.InstalledQueryKeys(file);
        foreach (var key in SqliteClusteringSchema.QueryKeys.Concat(SqliteRemindersSchema.QueryKeys)) Assert.Contains(key, installed);
    }

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

public sealed class PostgresStorageSchemaTests : IDisposable
{
    private readonly TestPostgresDatabase _db = new();

    [Fact]
    public void Scripts_insert_every_query_key()
    {
        var persistence = PostgresClusteringSchema.Script(PostgresGrainStorageSchema.ResourceName);
        foreach (var key in PostgresGrainStorageSchema.QueryKeys) Assert.Contains($"'{key}'", persistence);
        var reminders = PostgresClusteringSchema.Script(PostgresRemindersSchema.ResourceName);
        foreach (var key in PostgresRemindersSchema.QueryKeys) Assert.Contains($"'{key}'", reminders);
    }

    [Fact(Timeout = 60_000)]
    public async Task Database_init_applies_every_schema_idempotently_and_concurrently()
    {
        var applied = await ActorRuntimeDatabase.InitializeAsync(ActorRuntimeDatabaseKind.PostgreSql, _db.ConnectionString);
        Assert.Equal(["clustering", "grain storage", "reminders"], applied);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ActorRuntimeDatabase.InitializeAsync("postgresql", _db.ConnectionString)));
        var expected = SqliteClusteringSchema.QueryKeys.Concat(PostgresGrainStorageSchema.QueryKeys).Concat(PostgresRemindersSchema.QueryKeys)
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, PostgresGrainStorageSchema.InstalledQueryKeys(_db.ConnectionString).Order(StringComparer.Ordinal).ToList());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_server_that_is_down_fails_with_a_message_naming_the_schema()
    {
        var down = new Npgsql.NpgsqlConnectionStringBuilder(_db.ConnectionString) { Port = 1, Timeout = 2 }.ToString();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ActorRuntimeDatabase.InitializeAsync("postgres", down));
        Assert.Contains("PostgreSQL", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _db.Dispose();
}

/// <summary>
/// Our reminder SQL through Orleans' own ADO.NET reminder table (the one a silo uses): versions as ETags, conditional
/// removal, and ring-range reads that wrap or not in signed order.
/// </summary>
public abstract class ReminderTableContract(ITestOutputHelper output)
{
    protected abstract void Configure(ActorRuntimeSiloOptions options);

    [Fact(Timeout = 60_000)]
    public async Task Rows_versions_and_ranges_behave_as_orleans_expects()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        await using var silo = await RuntimeSilo.StartAsync(output, o =>
        {
            o.Cluster = ClusterMode.InProcess;
            o.ServiceId = TestComponents.NewServiceId("rt");
            o.Storage = GrainStorageKind.Memory;
            Configure(o);
        }, ct);
        var table = silo.Host.Services.GetRequiredService<IReminderTable>();

        var start = new DateTime(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        var one = GrainId.Create("probe", "one");
        var etag0 = await table.UpsertRow(new ReminderEntry { GrainId = one, ReminderName = "a", StartAt = start, Period = TimeSpan.FromSeconds(2) });
        var etag1 = await table.UpsertRow(new ReminderEntry { GrainId = one, ReminderName = "a", StartAt = start, Period = TimeSpan.FromSeconds(3) });
        Assert.NotEqual(etag0, etag1);
        var row = await table.ReadRow(one, "a");
        Assert.NotNull(row);
        Assert.Equal(TimeSpan.FromSeconds(3), row.Period);
        Assert.Equal(start, row.StartAt.ToUniversalTime());
        Assert.Equal(etag1, row.ETag);
        Assert.Null(await table.ReadRow(one, "missing"));

        Assert.False(await table.RemoveRow(one, "a", etag0!));
        Assert.True(await table.RemoveRow(one, "a", etag1!));
        Assert.Null(await table.ReadRow(one, "a"));

        // Forty grains spread over the ring; every range read must return exactly the grains whose hash is in (begin, end].
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("probe", "g" + i)).ToList();
        foreach (var g in grains)
            await table.UpsertRow(new ReminderEntry { GrainId = g, ReminderName = "r", StartAt = start, Period = TimeSpan.FromMinutes(1) });
        Assert.Single((await table.ReadRows(grains[0])).Reminders);

        uint[] points = [0u, 1u, 0x3fffffffu, 0x7fffffffu, 0x80000000u, 0x80000001u, 0xc0000000u, 0xffffffffu];
        foreach (var begin in points)
            foreach (var end in points)
            {
                var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList();
                var actual = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal).ToList();
                Assert.True(expected.SequenceEqual(actual), $"range ({begin:x8}, {end:x8}]: expected {expected.Count}, got {actual.Count}");
            }
    }

    /// <summary>Orleans' ring range: (begin, end], wrapping past the top when begin ≥ end (begin = end is the whole ring).</summary>
    private static bool InRange(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}

[Collection(nameof(ClusterCollection))]
public sealed class SqliteReminderTableTests(ITestOutputHelper output) : ReminderTableContract(output), IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-remtable-").FullName;

    protected override void Configure(ActorRuntimeSiloOptions options)
    {
        options.Reminders = ReminderStorageKind.Localhost;
        options.RemindersDatabase = Path.Combine(_dir, "reminders.db");
    }

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
public sealed class PostgresReminderTableTests(ITestOutputHelper output) : ReminderTableContract(output), IDisposable
{
    private readonly TestPostgresDatabase _db = new();

    protected override void Configure(ActorRuntimeSiloOptions options)
    {
        options.Reminders = ReminderStorageKind.PostgreSql;
        options.RemindersConnectionString = _db.ConnectionString;
    }

    public void Dispose() => _db.Dispose();
}
