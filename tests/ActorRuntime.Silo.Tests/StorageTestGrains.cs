using System.Collections.Concurrent;
using ActorRuntime.Components;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Model;
using ActorRuntime.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace ActorRuntime.Silo.Tests;

/// <summary>What a <see cref="IStoredGrain"/> sees of its persistent state.</summary>
[GenerateSerializer]
public sealed record StoredSnapshot([property: Id(0)] string? Value, [property: Id(1)] int Writes, [property: Id(2)] string? ETag, [property: Id(3)] bool RecordExists);

/// <summary>Grain state as the storages serialize it (JSON for the state store storage).</summary>
public sealed class ProbeState
{
    public string? Value { get; set; }
    public int Writes { get; set; }
}

public interface IStoredGrain : IGrainWithStringKey
{
    Task<StoredSnapshot> Get();
    Task<StoredSnapshot> Set(string value);
    Task Clear();
    Task Deactivate();
}

/// <summary>State in the default grain storage.</summary>
public sealed class StoredGrain([PersistentState("data")] IPersistentState<ProbeState> state) : Grain, IStoredGrain
{
    public Task<StoredSnapshot> Get() => Task.FromResult(Snapshot());

    public async Task<StoredSnapshot> Set(string value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
        return Snapshot();
    }

    public Task Clear() => state.ClearStateAsync();

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private StoredSnapshot Snapshot() => new(state.State.Value, state.State.Writes, state.Etag, state.RecordExists);
}

public interface INamedStoreGrain : IGrainWithStringKey
{
    Task<string?> Get();
    Task Set(string value);
}

/// <summary>State in the storage named after the actor state store component.</summary>
public sealed class NamedStoreGrain([PersistentState("named", "statestore")] IPersistentState<ProbeState> state) : Grain, INamedStoreGrain
{
    public Task<string?> Get() => Task.FromResult(state.State.Value);

    public Task Set(string value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }
}

public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task Start(TimeSpan period);
    Task Stop();
}

/// <summary>Counts reminder ticks in a process-wide table, so a test sees ticks whichever host delivers them.</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public static readonly ConcurrentDictionary<string, int> Ticks = new(StringComparer.Ordinal);

    public static int TicksOf(string key) => Ticks.TryGetValue(key, out var n) ? n : 0;

    public Task Start(TimeSpan period) => this.RegisterOrUpdateReminder("tick", period, period);

    public async Task Stop()
    {
        if (await this.GetReminder("tick") is { } reminder) await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>A silo built with <c>AddActorRuntimeSilo</c>, with its own (or a shared) component catalog.</summary>
public sealed class RuntimeSilo : IAsyncDisposable
{
    private readonly bool _ownsCatalog;

    private RuntimeSilo(IHost host, ComponentCatalog catalog, bool ownsCatalog)
    {
        Host = host;
        Catalog = catalog;
        _ownsCatalog = ownsCatalog;
    }

    public IHost Host { get; }
    public ComponentCatalog Catalog { get; }
    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    internal static async Task<RuntimeSilo> StartAsync(ITestOutputHelper? output, Action<ActorRuntimeSiloOptions> configure, CancellationToken ct, ComponentCatalog? sharedCatalog = null)
    {
        var catalog = sharedCatalog ?? new ComponentCatalog();
        var builder = TestSilos.Builder(output);
        builder.Services.AddComponentCatalog(catalog);
        builder.UseOrleans(silo => silo.AddActorRuntimeSilo(configure));
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
        }
        catch
        {
            await DisposeHost(host);
            if (sharedCatalog is null) await catalog.DisposeAsync();
            throw;
        }
        return new RuntimeSilo(host, catalog, sharedCatalog is null);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await Host.StopAsync(cts.Token);
        }
        catch (Exception)
        {
            // Shutdown problems are not what these tests check.
        }
        await DisposeHost(Host);
        if (_ownsCatalog) await Catalog.DisposeAsync();
    }

    private static async Task DisposeHost(IHost host)
    {
        try
        {
            if (host is IAsyncDisposable async) await async.DisposeAsync();
            else host.Dispose();
        }
        catch (Exception)
        {
        }
    }
}

/// <summary>Component definitions and servers for the storage and reminder tests.</summary>
internal static class TestComponents
{
    public static string Redis => Environment.GetEnvironmentVariable("ACTORRT_TEST_REDIS") is { Length: > 0 } v ? v : "127.0.0.1:6390";

    public static ComponentDefinition StateStore(string type, string name = "statestore", bool actorStateStore = true, params (string Name, string Value)[] metadata)
    {
        var values = new Dictionary<string, MetadataValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (n, v) in metadata) values[n] = new MetadataValue(v);
        if (actorStateStore) values["actorStateStore"] = new MetadataValue("true");
        return new ComponentDefinition { Name = name, Type = type, Metadata = values };
    }

    public static string NewServiceId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}
