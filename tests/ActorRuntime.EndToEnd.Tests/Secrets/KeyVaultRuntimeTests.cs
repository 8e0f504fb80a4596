using System.Net;
using System.Text;
using System.Text.Json;
using ActorRuntime.Components.Tests.Secrets;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using StackExchange.Redis;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>
/// <c>secretstores.azure.keyvault</c> through a running <c>actorrt run</c>: the real Azure SDK in the runtime process
/// signs in with a client secret and reads a vault, here the local HTTPS stand-in of Key Vault and Entra ID (Key Vault
/// itself cannot be reached from test machines). The runtime trusts the stand-in's certificate through
/// <c>SSL_CERT_FILE</c> and reaches its <c>*.vault.localhost</c> name through <c>HTTPS_PROXY</c>, two settings a user
/// behind a corporate proxy sets the same way. A Redis state store logs in with a password kept in the vault.
/// </summary>
public sealed class KeyVaultRuntimeTests : IAsyncLifetime
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..10];
    private readonly string _apiKey = "kv-api-key-" + Run;
    private readonly string _aclUser = "actorrt-kv-" + Run;
    private readonly string _aclPassword = "kv-redis-pw-" + Run;
    private readonly RuntimeSandbox _sandbox = new();
    private KeyVaultStandIn _vault = null!;
    private ConnectProxy _proxy = null!;
    private RuntimeProcess _runtime = null!;

    public async Task InitializeAsync()
    {
        await ExternalServices.EnsureRedisAsync();
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost))
            await redis.GetDatabase().ExecuteAsync("ACL", "SETUSER", _aclUser, "reset", "on", ">" + _aclPassword, "~*", "&*", "+@all");

        _vault = await KeyVaultStandIn.StartAsync();
        _vault.Add("api-key", "old-" + Run);
        _vault.Add("api-key", _apiKey);
        _vault.Add("redis-password", _aclPassword);
        _proxy = new ConnectProxy(_vault.Port);
        var caFile = Path.Combine(_sandbox.Root, "standin-ca.pem");
        File.WriteAllText(caFile, _vault.Certificate.ExportCertificatePem());

        // As Dapr's docs write the component, with the vault given as a full URI (the stand-in is not *.vault.azure.net)
        // and the client secret itself from the environment store.
        _sandbox.AddComponent("envstore", ComponentYaml.Component("envstore", "secretstores.local.env", ("prefix", "KVTEST_")));
        _sandbox.AddComponent("keyvault", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: azurekeyvault
            spec:
              type: secretstores.azure.keyvault
              version: v1
              metadata:
              - name: vaultName
                value: "{_vault.BaseUri.ToString().TrimEnd('/')}"
              - name: azureTenantId
                value: "{KeyVaultStandIn.TenantId}"
              - name: azureClientId
                value: "{KeyVaultStandIn.ClientId}"
              - name: azureClientSecret
                secretKeyRef:
                  name: CLIENT_SECRET
            auth:
              secretStore: envstore
            """);
        _sandbox.AddComponent("vaultredis", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: vaultredis
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: {ExternalServices.RedisHost}
              - name: redisUsername
                value: {_aclUser}
              - name: redisPassword
                secretKeyRef:
                  name: redis-password
                  key: redis-password
              - name: keyPrefix
                value: none
            auth:
              secretStore: azurekeyvault
            """);

        _runtime = await RuntimeProcess.StartAsync(_sandbox, new RuntimeStartOptions
        {
            LogLevel = "debug",
            Environment = new Dictionary<string, string>
            {
                ["KVTEST_CLIENT_SECRET"] = KeyVaultStandIn.ClientSecret,
                ["AZURE_AUTHORITY_HOST"] = _vault.BaseUri.ToString(),
                ["HTTPS_PROXY"] = $"http://127.0.0.1:{_proxy.Port}",
                ["NO_PROXY"] = "127.0.0.1",
                ["SSL_CERT_FILE"] = caFile,
            },
        });
    }

    [Fact]
    public async Task Secrets_api_reads_the_current_version_and_a_named_version_from_the_vault()
    {
        var current = await _runtime.Http.GetAsync("/v1.0/secrets/azurekeyvault/api-key");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(_apiKey, JsonDocument.Parse(await current.Content.ReadAsStringAsync()).RootElement.GetProperty("api-key").GetString());

        var firstVersion = _vault.Secrets["api-key"].Versions[0].Version;
        var old = await _runtime.Http.GetAsync($"/v1.0/secrets/azurekeyvault/api-key?metadata.version_id={firstVersion}");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Contains("old-" + Run, await old.Content.ReadAsStringAsync());

        var missing = await _runtime.Http.GetAsync("/v1.0/secrets/azurekeyvault/no-such-secret");
        Assert.Equal(HttpStatusCode.InternalServerError, missing.StatusCode);
        Assert.Equal("ERR_SECRET_GET", JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("errorCode").GetString());

        // Every call went to the stand-in by its vault name, through the proxy, signed in with the client secret.
        Assert.Contains(_proxy.Tunnels, t => t.StartsWith(KeyVaultStandIn.VaultHost + ":", StringComparison.Ordinal));
        Assert.True(_vault.TokenRequests >= 1);
    }

    [Fact]
    public async Task Bulk_lists_every_secret_across_pages()
    {
        var bulk = await _runtime.Http.GetAsync("/v1.0/secrets/azurekeyvault/bulk");
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        var body = JsonDocument.Parse(await bulk.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(_apiKey, body.GetProperty("api-key").GetProperty("api-key").GetString());
        Assert.Equal(_aclPassword, body.GetProperty("redis-password").GetProperty("redis-password").GetString());
    }

    [Fact]
    public async Task A_state_store_logs_in_with_a_password_kept_in_the_vault_and_no_secret_reaches_the_log()
    {
        var key = "kv-" + Run;
        var save = await _runtime.Http.PostAsync("/v1.0/state/vaultredis",
            new StringContent($$"""[{"key":"{{key}}","value":"in redis"}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost))
            Assert.Equal("\"in redis\"", (string?)await redis.GetDatabase().HashGetAsync(key, "data"));

        foreach (var secret in new[] { _apiKey, _aclPassword, KeyVaultStandIn.ClientSecret })
            Assert.DoesNotContain(secret, _runtime.Output);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_runtime is not null)
            {
                await _runtime.StopAsync(TimeSpan.FromSeconds(20));
                await _runtime.DisposeAsync();
            }
            await using (var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost))
            {
                await redis.GetDatabase().ExecuteAsync("ACL", "DELUSER", _aclUser);
                await redis.GetDatabase().KeyDeleteAsync("kv-" + Run);
            }
        }
        finally
        {
            if (_proxy is not null) await _proxy.DisposeAsync();
            if (_vault is not null) await _vault.DisposeAsync();
            _sandbox.Dispose();
        }
    }
}
