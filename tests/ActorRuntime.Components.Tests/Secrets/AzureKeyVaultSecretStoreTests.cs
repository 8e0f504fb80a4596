using ActorRuntime.Components.Model;
using ActorRuntime.Components.Secrets;
using ActorRuntime.Components.Secrets.Stores;
using System.Net;
using System.Net.Sockets;
using Azure.Core.Pipeline;

namespace ActorRuntime.Components.Tests.Secrets;

/// <summary>
/// <c>secretstores.azure.keyvault</c> with the real Azure SDK (SecretClient, ClientSecretCredential) against
/// <see cref="KeyVaultStandIn"/>, a local HTTPS server implementing Key Vault's REST contract (Key Vault itself cannot be
/// reached from the test machines).
/// </summary>
[Collection(KeyVaultStandIn.Collection)] // AZURE_AUTHORITY_HOST is process-wide: one test at a time
public sealed class AzureKeyVaultSecretStoreTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> NoMetadata = [];
    private KeyVaultStandIn _vault = null!;
    private HttpClientTransport _transport = null!;

    public async Task InitializeAsync()
    {
        _vault = await KeyVaultStandIn.StartAsync();
        var thumbprint = _vault.Certificate.Thumbprint;
        // Trust exactly the stand-in's self-signed certificate, nothing else.
        var port = _vault.Port;
        _transport = new HttpClientTransport(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == thumbprint },
            // The stand-in's names (a vault subdomain, as the SDK requires) all live on this machine.
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    private static ComponentDefinition Definition(params (string Name, string Value)[] metadata) => new()
    {
        Name = "vault",
        Type = "secretstores.azure.keyvault",
        SourceFile = "vault.yaml",
        Metadata = metadata.ToDictionary(m => m.Name, m => new MetadataValue(m.Value), StringComparer.OrdinalIgnoreCase),
    };

    private async Task<AzureKeyVaultSecretStore> StoreAsync(string clientSecret = KeyVaultStandIn.ClientSecret)
    {
        Environment.SetEnvironmentVariable("AZURE_AUTHORITY_HOST", _vault.BaseUri.ToString());
        try
        {
            var store = new AzureKeyVaultSecretStore(Definition(
                ("vaultName", _vault.BaseUri.ToString().TrimEnd('/')),
                ("azureTenantId", KeyVaultStandIn.TenantId),
                ("azureClientId", KeyVaultStandIn.ClientId),
                ("azureClientSecret", clientSecret)), _transport);
            await store.InitAsync(default);
            return store;
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_AUTHORITY_HOST", null);
        }
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Gets_a_secret_after_the_challenge_and_a_client_credentials_token()
    {
        _vault.Add("db-password", "pw-1", version: "v1");
        var store = await StoreAsync();
        Assert.Equal(new Dictionary<string, string> { ["db-password"] = "pw-1" }, await store.GetSecretAsync("db-password", NoMetadata, Timeout()));
        Assert.Equal(1, _vault.TokenRequests);
        // The first vault call carried no token and was challenged; the retry carried the token.
        var calls = _vault.Requests.Where(r => r.StartsWith("GET /secrets/db-password", StringComparison.Ordinal)).ToList();
        Assert.True(calls.Count >= 2, string.Join("\n", _vault.Requests));
    }

    [Fact]
    public async Task Reads_a_given_version_through_metadata_version_id()
    {
        _vault.Add("rotated", "old", version: "v1");
        _vault.Add("rotated", "new", version: "v2");
        var store = await StoreAsync();
        Assert.Equal("new", (await store.GetSecretAsync("rotated", NoMetadata, Timeout()))["rotated"]);
        Assert.Equal("old", (await store.GetSecretAsync("rotated", new Dictionary<string, string> { ["version_id"] = "v1" }, Timeout()))["rotated"]);
        await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync("rotated", new Dictionary<string, string> { ["version_id"] = "v9" }, Timeout()));
    }

    [Fact]
    public async Task A_missing_secret_is_not_found()
    {
        var store = await StoreAsync();
        var e = await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync("absent", NoMetadata, Timeout()));
        Assert.Equal("secret absent not found", e.Message);
    }

    [Fact]
    public async Task Throttling_with_retry_after_is_retried()
    {
        _vault.Add("busy", "finally");
        _vault.Throttle["busy"] = 1;
        var store = await StoreAsync();
        Assert.Equal("finally", (await store.GetSecretAsync("busy", NoMetadata, Timeout()))["busy"]);
        Assert.Equal(0, _vault.Throttle["busy"]);
    }

    [Fact]
    public async Task Bulk_follows_next_links_and_skips_disabled_secrets()
    {
        for (var i = 0; i < 5; i++) _vault.Add($"s{i}", $"v{i}");
        _vault.Add("off", "hidden", enabled: false);
        var store = await StoreAsync();
        var all = await store.GetBulkSecretAsync(NoMetadata, Timeout());
        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], all.Keys.Order());
        Assert.Equal("v3", all["s3"]["s3"]);
        Assert.Contains(_vault.Requests, r => r.Contains("$skiptoken=4", StringComparison.Ordinal)); // three pages of two
    }

    [Fact]
    public async Task A_malformed_answer_is_an_error_that_says_so()
    {
        _vault.Add("broken", "x");
        _vault.Malformed.Add("broken");
        var store = await StoreAsync();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => store.GetSecretAsync("broken", NoMetadata, Timeout()));
        Assert.Equal("Key Vault returned an answer that could not be read (not valid JSON)", e.Message);
    }

    [Fact]
    public async Task A_wrong_client_secret_fails_without_printing_it()
    {
        _vault.Add("db-password", "pw-1");
        var store = await StoreAsync("wrong-client-secret-value");
        var e = await Assert.ThrowsAnyAsync<Exception>(() => store.GetSecretAsync("db-password", NoMetadata, Timeout()));
        Assert.DoesNotContain("wrong-client-secret-value", e.ToString());
    }

    [Fact]
    public void Metadata_is_validated_with_daprs_names()
    {
        Assert.Contains("vaultName", Assert.Throws<ComponentConfigurationException>(() => new AzureKeyVaultSecretStore(Definition())).Message);
        Assert.Contains("azureEnvironment", Assert.Throws<ComponentConfigurationException>(() =>
            new AzureKeyVaultSecretStore(Definition(("vaultName", "myvault"), ("azureEnvironment", "MARS")))).Message);
        Assert.Contains("azureTenantId", Assert.Throws<ComponentConfigurationException>(() =>
            new AzureKeyVaultSecretStore(Definition(("vaultName", "myvault"), ("azureClientId", "c"), ("azureClientSecret", "s")))).Message);
        var options = AzureKeyVaultOptions.From(Definition(("vaultName", "myvault"), ("azureEnvironment", "AZURECHINACLOUD")).GetMetadata());
        Assert.Equal(new Uri("https://myvault.vault.azure.cn"), options.VaultUri);
        Assert.Equal(new Uri("https://myvault.vault.azure.net"), AzureKeyVaultOptions.From(Definition(("vaultName", "myvault")).GetMetadata()).VaultUri);
    }
}
