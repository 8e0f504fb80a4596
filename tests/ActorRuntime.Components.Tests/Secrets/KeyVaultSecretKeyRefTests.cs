using System.Net;
using System.Net.Sockets;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Secrets;
using ActorRuntime.Components.Secrets.Stores;
using ActorRuntime.Components.Tests.Loading;
using Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Components.Tests.Secrets;

/// <summary>A component's password kept in Key Vault (the local stand-in), resolved by the loader like any secretKeyRef.</summary>
[Collection(KeyVaultStandIn.Collection)] // AZURE_AUTHORITY_HOST is process-wide: one test at a time
public sealed class KeyVaultSecretKeyRefTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_metadata_field_is_read_from_key_vault_at_load_time()
    {
        await using var vault = await KeyVaultStandIn.StartAsync();
        vault.Add("redis-password", "from-key-vault-7c2");
        var thumbprint = vault.Certificate.Thumbprint;
        var transport = new HttpClientTransport(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == thumbprint },
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, vault.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        // The host's own registration of the type (as an app may add one), here with the transport that trusts the stand-in.
        var services = new ServiceCollection().AddBuiltInComponentTypes();
        services.AddComponentType<ISecretStore>("secretstores.azure.keyvault", c => new AzureKeyVaultSecretStore(c.Definition, transport));
        var types = ComponentTypes.From(services);

        _dir.Write("vault.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {"{"}name: azurekeyvault{"}"}
            spec:
              type: secretstores.azure.keyvault
              metadata:
              - {"{"}name: vaultName, value: "{vault.BaseUri.ToString().TrimEnd('/')}"{"}"}
              - {"{"}name: azureTenantId, value: "{KeyVaultStandIn.TenantId}"{"}"}
              - {"{"}name: azureClientId, value: "{KeyVaultStandIn.ClientId}"{"}"}
              - {"{"}name: azureClientSecret, value: "{KeyVaultStandIn.ClientSecret}"{"}"}
            """);
        _dir.Write("cache.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: cache}
            spec:
              type: state.in-memory
              metadata:
              - name: redisPassword
                secretKeyRef: {name: redis-password, key: redis-password}
            auth: {secretStore: azurekeyvault}
            """);
        Environment.SetEnvironmentVariable("AZURE_AUTHORITY_HOST", vault.BaseUri.ToString());
        try
        {
            var cache = ResourceLoader.Load([_dir.Path], "app", processNamespace: "", types: types).Components.Single(c => c.Name == "cache");
            Assert.Equal("from-key-vault-7c2", cache.GetMetadata().GetString("redisPassword"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_AUTHORITY_HOST", null);
        }
    }
}
