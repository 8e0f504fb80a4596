using ActorRuntime.Components.Model;
using ActorRuntime.Components.Secrets;
using ActorRuntime.Components.Tests.Loading;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorRuntime.Components.Tests.Secrets;

/// <summary>A gateway that fronts a cluster connects no store the silos own, but does connect its secret stores: it serves them itself.</summary>
public sealed class GatewaySecretStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Defined_only_registries_still_connect_secret_stores()
    {
        var file = _dir.Write("s.json", """{"k": "v"}""");
        ComponentDefinition[] definitions =
        [
            new() { Name = "files", Type = "secretstores.local.file", Metadata = new Dictionary<string, MetadataValue> { ["secretsFile"] = new(file) } },
            // Would fail to connect (nothing listens there): it must not be connected by a defined-only registry.
            new() { Name = "redis", Type = "state.redis", Metadata = new Dictionary<string, MetadataValue> { ["redisHost"] = new("127.0.0.1:1") } },
        ];
        await using var catalog = new ComponentCatalog();
        var registry = new ComponentRegistry(definitions, catalog, NullLogger<ComponentRegistry>.Instance);
        await registry.MarkDefinedOnly(CancellationToken.None);

        Assert.True(registry.IsReady);
        Assert.True(registry.TryGet<ISecretStore>("secretstores", "files", out var store));
        Assert.Equal("v", (await store.GetSecretAsync("k", new Dictionary<string, string>(), default))["k"]);
        Assert.True(ComponentRegistry.ServedByGateway("secretstores"));
        Assert.False(ComponentRegistry.ServedByGateway("state"));
    }
}
