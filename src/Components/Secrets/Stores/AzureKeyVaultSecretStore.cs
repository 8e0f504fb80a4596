using System.Security.Cryptography.X509Certificates;
using ActorRuntime.Components.Model;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace ActorRuntime.Components.Secrets.Stores;

/// <summary>
/// <c>secretstores.azure.keyvault</c> on the Azure SDK (<c>SecretClient</c>, credentials from <c>Azure.Identity</c>).
/// A secret comes back as <c>{name: value}</c>; <c>metadata.version_id</c> reads a given version; bulk lists the vault
/// (following <c>nextLink</c> pages) and reads every enabled secret, as Dapr's component does. Throttling (429 with
/// <c>Retry-After</c>) is retried by the SDK's pipeline.
/// </summary>
public sealed class AzureKeyVaultSecretStore : ISecretStore
{
    private readonly AzureKeyVaultOptions _options;
    private readonly HttpPipelineTransport? _transport;
    private SecretClient? _client;

    public AzureKeyVaultSecretStore(ComponentDefinition definition) : this(definition, null) { }

    /// <param name="transport">The HTTP transport for the vault and the token endpoint; the SDK's default when null
    /// (tests pass one that trusts their local stand-in's certificate).</param>
    internal AzureKeyVaultSecretStore(ComponentDefinition definition, HttpPipelineTransport? transport)
    {
        _options = AzureKeyVaultOptions.From(definition.GetMetadata());
        _transport = transport;
    }

    public Task InitAsync(CancellationToken cancellationToken)
    {
        var clientOptions = new SecretClientOptions();
        if (_transport is not null) clientOptions.Transport = _transport;
        _client = new SecretClient(_options.VaultUri, Credential(), clientOptions);
        return Task.CompletedTask;
    }

    private TokenCredential Credential()
    {
        var o = _options;
        T Configure<T>(T options) where T : TokenCredentialOptions
        {
            options.AuthorityHost = o.AuthorityHost;
            if (_transport is not null) options.Transport = _transport;
            return options;
        }
        // Outside Azure's clouds (a private authority) there is no Entra ID instance metadata to validate against.
        var disableDiscovery = !o.IsKnownAuthority;
        if (o.ClientSecret is not null)
            return new ClientSecretCredential(o.TenantId, o.ClientId, o.ClientSecret, Configure(new ClientSecretCredentialOptions { DisableInstanceDiscovery = disableDiscovery }));
        if (o.CertificateFile is not null || o.Certificate is not null)
        {
            var certificate = o.CertificateFile is not null
                ? X509CertificateLoader.LoadPkcs12FromFile(Path.GetFullPath(o.CertificateFile), o.CertificatePassword)
                : X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(o.Certificate!), o.CertificatePassword);
            return new ClientCertificateCredential(o.TenantId, o.ClientId, certificate, Configure(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = disableDiscovery }));
        }
        var chain = new List<TokenCredential>();
        if (Environment.GetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE") is { Length: > 0 })
            chain.Add(new WorkloadIdentityCredential(Configure(new WorkloadIdentityCredentialOptions { ClientId = o.ClientId, TenantId = o.TenantId, DisableInstanceDiscovery = disableDiscovery })));
        chain.Add(new ManagedIdentityCredential(o.ClientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(o.ClientId)));
        chain.Add(new AzureCliCredential(Configure(new AzureCliCredentialOptions { TenantId = o.TenantId })));
        return new ChainedTokenCredential([.. chain]);
    }

    private SecretClient Client => _client ?? throw new InvalidOperationException("the Key Vault secret store is not initialized");

    public async Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        metadata.TryGetValue("version_id", out var version);
        var secret = await Call(name, () => Client.GetSecretAsync(name, string.IsNullOrEmpty(version) ? null : version, cancellationToken)).ConfigureAwait(false);
        return new Dictionary<string, string> { [name] = secret.Value ?? "" };
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        try
        {
            await foreach (var properties in Client.GetPropertiesOfSecretsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (properties.Enabled is false) continue;
                var secret = await Call(properties.Name, () => Client.GetSecretAsync(properties.Name, null, cancellationToken)).ConfigureAwait(false);
                result[properties.Name] = new Dictionary<string, string> { [properties.Name] = secret.Value ?? "" };
            }
        }
        catch (RequestFailedException e)
        {
            throw new InvalidOperationException(Describe(e), e);
        }
        return result;
    }

    private static async Task<KeyVaultSecret> Call(string name, Func<Task<Response<KeyVaultSecret>>> call)
    {
        try
        {
            return (await call().ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new SecretNotFoundException(name, e);
        }
        catch (RequestFailedException e)
        {
            throw new InvalidOperationException(Describe(e), e);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new InvalidOperationException("Key Vault returned an answer that could not be read" + (e is System.Text.Json.JsonException ? " (not valid JSON)" : ""), e);
        }
    }

    // The SDK's message carries the whole response (headers, content); the first line is the service's own.
    private static string Describe(RequestFailedException e) =>
        $"Key Vault answered {e.Status}" + (e.ErrorCode is { } code ? $" {code}" : "") + ": " + e.Message.Split('\n', 2)[0].Trim();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
