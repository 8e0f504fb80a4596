namespace ActorRuntime.Gateway.Tests;

/// <summary>One gateway (and its in-process silo) for every test of the collection: starting one takes about a second.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public GatewayTestHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Gateway = await GatewayTestHost.StartAsync(
            GatewayTestHost.InMemoryStore("statestore", actorStateStore: true),
            GatewayTestHost.InMemoryStore("cache"));

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
