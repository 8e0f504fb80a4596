using ActorRuntime.Silo.Hosting;
using ActorRuntime.Silo.Reminders;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

/// <summary>
/// Reminders with a short period fire, and keep firing after the silo is stopped and a new one starts on the same
/// reminder store. Each test has its own store (file, database or ServiceId) and finishes within 60 s.
/// </summary>
public abstract class ReminderContract(ITestOutputHelper output)
{
    protected ITestOutputHelper Output { get; } = output;
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected abstract void Configure(ActorRuntimeSiloOptions options);

    private Task<RuntimeSilo> StartSilo(CancellationToken ct) => RuntimeSilo.StartAsync(Output, o =>
    {
        o.Storage = GrainStorageKind.Memory;
        Configure(o);
    }, ct);

    private static Task<int> Ticks(string key) => Task.FromResult(ReminderProbeGrain.TicksOf(key));

    [Fact(Timeout = 60_000)]
    public async Task A_one_second_reminder_fires_repeatedly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        var key = "r-" + Guid.NewGuid().ToString("N");
        await using var silo = await StartSilo(ct);
        var grain = silo.Grains.GetGrain<IReminderProbeGrain>(key);
        await grain.Start(Period);
        await TestSilos.Eventually(() => Ticks(key), n => n >= 3, TimeSpan.FromSeconds(20), "three reminder ticks", ct);

        await grain.Stop();
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct); // a tick already under way may still land
        var settled = ReminderProbeGrain.TicksOf(key);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        Assert.Equal(settled, ReminderProbeGrain.TicksOf(key));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reminder_keeps_firing_after_a_silo_restart()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(55));
        var ct = cts.Token;
        var key = "r-" + Guid.NewGuid().ToString("N");
        await using (var first = await StartSilo(ct))
        {
            await first.Grains.GetGrain<IReminderProbeGrain>(key).Start(Period);
            await TestSilos.Eventually(() => Ticks(key), n => n >= 2, TimeSpan.FromSeconds(20), "ticks before the restart", ct);
        }
        var beforeRestart = ReminderProbeGrain.TicksOf(key);
        Output.WriteLine($"ticks before restart: {beforeRestart}");

        // Nothing in the new silo knows about the reminder except the reminder store.
        await using var second = await StartSilo(ct);
        await TestSilos.Eventually(() => Ticks(key), n => n >= beforeRestart + 2, TimeSpan.FromSeconds(25), "ticks after the restart", ct);
        await second.Grains.GetGrain<IReminderProbeGrain>(key).Stop();
    }
}

/// <summary>The machine-local default: reminders in <c>reminders.db</c> beside the membership database.</summary>
[Collection(nameof(ClusterCollection))]
public sealed class SqliteReminderTests(ITestOutputHelper output) : ReminderContract(output), IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-rem-").FullName;

    protected override void Configure(ActorRuntimeSiloOptions options)
    {
        options.Cluster = ClusterMode.Localhost; // reminders default to the SQLite file for this cluster
        options.LocalMachineDatabase = Path.Combine(_dir, "cluster", "membership.db");
    }

    [Fact]
    public void The_localhost_cluster_defaults_to_sqlite_reminders_beside_membership()
    {
        var options = new ActorRuntimeSiloOptions { Cluster = ClusterMode.Localhost, LocalMachineDatabase = Path.Combine(_dir, "cluster", "membership.db") };
        Assert.Equal(ReminderStorageKind.Localhost, options.EffectiveReminders);
        Assert.Equal(Path.Combine(_dir, "cluster", SqliteRemindersSchema.DefaultFileName), options.EffectiveRemindersDatabase());
        Assert.Equal(ReminderStorageKind.Memory, new ActorRuntimeSiloOptions { Cluster = ClusterMode.InProcess }.EffectiveReminders);
        Assert.Equal(ReminderStorageKind.PostgreSql, new ActorRuntimeSiloOptions { Cluster = ClusterMode.PostgreSql, ConnectionString = "Host=x" }.EffectiveReminders);
        Assert.Equal(ReminderStorageKind.Redis, new ActorRuntimeSiloOptions { Cluster = ClusterMode.Redis, ConnectionString = "x" }.EffectiveReminders);
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

/// <summary>Cluster and reminders in PostgreSQL (the cluster's kind picks the reminder store).</summary>
[Collection(nameof(ClusterCollection))]
public sealed class PostgresReminderTests(ITestOutputHelper output) : ReminderContract(output), IDisposable
{
    private readonly TestPostgresDatabase _db = new();

    protected override void Configure(ActorRuntimeSiloOptions options)
    {
        options.Cluster = ClusterMode.PostgreSql;
        options.ConnectionString = _db.ConnectionString;
        options.ClusterId = "rem-pg";
        options.ServiceId = "rem-pg";
        options.SiloPort = 0;
        options.GatewayPort = 0;
    }

    public void Dispose() => _db.Dispose();
}

/// <summary>Reminders in Redis beside an in-process cluster.</summary>
[Collection(nameof(ClusterCollection))]
public sealed class RedisReminderTests(ITestOutputHelper output) : ReminderContract(output), IDisposable
{
    private readonly string _serviceId = TestComponents.NewServiceId("rem");

    protected override void Configure(ActorRuntimeSiloOptions options)
    {
        options.Cluster = ClusterMode.InProcess;
        options.ServiceId = _serviceId;
        options.Reminders = ReminderStorageKind.Redis;
        options.RemindersConnectionString = TestComponents.Redis;
    }

    public void Dispose() => TestRedis.DeleteKeys(_serviceId + "/*");
}
