using ActorRuntime.Components;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Model;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace ActorRuntime.Grains.Tests;

/// <summary>A two-silo in-process cluster whose silos share one in-memory state store, as two processes share one database.</summary>
public sealed class StateGrainClusterFixture : IAsyncLifetime
{
    public static readonly ComponentDefinition Store = new()
    {
        Name = "statestore",
        Type = "state.in-memory",
        Metadata = new Dictionary<string, MetadataValue>(),
    };

    public ComponentCatalog Catalog { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        Catalog.Add(Store);
        await Catalog.InitializeAsync(Store, CancellationToken.None);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddComponentCatalog(Catalog);
            silo.Services.AddSingleton<ActorRuntime.Grains.State.StateKeyWatches>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Catalog.DisposeAsync();
    }
}
