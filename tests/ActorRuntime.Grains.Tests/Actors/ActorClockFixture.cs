using ActorRuntime.Grains.Actors;
using ActorRuntime.Grains.Directory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace ActorRuntime.Grains.Tests.Actors;

/// <summary>
/// One in-process silo whose clock is a <see cref="FakeTimeProvider"/>: the actor grains' idle scan, call timeout
/// and host wait move only when a test advances it, so hour-long Dapr timings are tested in milliseconds.
/// </summary>
public sealed class ActorClockFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.RemoveAll<TimeProvider>();
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.TryAddSingleton<ActorAppClient>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>A fresh actor type served by <paramref name="app"/> with <paramref name="config"/>.</summary>
    internal async Task<string> HostAsync(FakeActorApp app, ActorTypeConfig config)
    {
        var type = "T" + Guid.NewGuid().ToString("N")[..8];
        var instance = new AppInstance("test-" + type, "app-" + type, "", "http://127.0.0.1:1", [type],
            new Dictionary<string, ActorTypeConfig> { [type] = config });
        InProcessActorHosts.Register(instance.InstanceId, app);
        // A lease far beyond anything a test advances the clock by.
        await Grains.GetGrain<IAppDirectoryGrain>(AppDirectoryKeys.ForActorType(type)).Renew(instance, TimeSpan.FromDays(365));
        return type;
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
