using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Secrets.Stores;

/// <summary>
/// The metadata of <c>secretstores.azure.keyvault</c>, with Dapr's names: <c>vaultName</c> (a vault name, or the vault's
/// full <c>https://</c> URI), <c>azureEnvironment</c>, and the Azure credentials (<c>azureTenantId</c>,
/// <c>azureClientId</c>, <c>azureClientSecret</c>, <c>azureCertificateFile</c>/<c>azureCertificate</c> with
/// <c>azureCertificatePassword</c>; none of them: workload or managed identity, then the Azure CLI).
/// </summary>
public sealed record AzureKeyVaultOptions
{
    public required Uri VaultUri { get; init; }
    public required Uri AuthorityHost { get; init; }
    public string? TenantId { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? CertificateFile { get; init; }
    public string? Certificate { get; init; }
    public string? CertificatePassword { get; init; }

    // Dapr's azureEnvironment values: (Key Vault DNS suffix, Entra ID authority host).
    private static readonly Dictionary<string, (string Dns, string Authority)> Clouds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AZUREPUBLICCLOUD"] = ("vault.azure.net", "https://login.microsoftonline.com/"),
        ["AZURECHINACLOUD"] = ("vault.azure.cn", "https://login.chinacloudapi.cn/"),
        ["AZUREUSGOVERNMENTCLOUD"] = ("vault.usgovcloudapi.net", "https://login.microsoftonline.us/"),
        ["AZUREGERMANCLOUD"] = ("vault.microsoftazure.de", "https://login.microsoftonline.de/"),
    };

    /// <summary>True when the authority host is one of Azure's clouds (MSAL then validates it against Entra ID).</summary>
    public bool IsKnownAuthority => Clouds.Values.Any(c => new Uri(c.Authority) == AuthorityHost);

    public static AzureKeyVaultOptions From(ComponentMetadata metadata)
    {
        var environment = metadata.GetString("azureEnvironment") is { Length: > 0 } e ? e.Trim() : "AZUREPUBLICCLOUD";
        if (!Clouds.TryGetValue(environment, out var cloud))
            throw metadata.Error("azureEnvironment", $"must be one of {string.Join(", ", Clouds.Keys)}, not '{environment}'");

        var vault = metadata.GetRequiredString("vaultName").Trim();
        Uri vaultUri;
        if (vault.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(vault, UriKind.Absolute, out vaultUri!))
                throw metadata.Error("vaultName", $"'{vault}' is not a valid URI");
        }
        else if (Uri.CheckHostName(vault) == UriHostNameType.Dns && !vault.Contains('.'))
        {
            vaultUri = new Uri($"https://{vault}.{cloud.Dns}");
        }
        else
        {
            throw metadata.Error("vaultName", $"must be a vault name (e.g. 'myvault') or the vault's https:// URI, not '{vault}'");
        }

        // AZURE_AUTHORITY_HOST is Azure.Identity's own setting (private clouds, Azure Stack); azureEnvironment otherwise.
        var authority = Environment.GetEnvironmentVariable("AZURE_AUTHORITY_HOST") is { Length: > 0 } a && Uri.TryCreate(a, UriKind.Absolute, out var au)
            ? au
            : new Uri(cloud.Authority);

        var options = new AzureKeyVaultOptions
        {
            VaultUri = vaultUri,
            AuthorityHost = authority,
            TenantId = Empty(metadata.GetString("azureTenantId")),
            ClientId = Empty(metadata.GetString("azureClientId")),
            ClientSecret = Empty(metadata.GetString("azureClientSecret")),
            CertificateFile = Empty(metadata.GetString("azureCertificateFile")),
            Certificate = Empty(metadata.GetString("azureCertificate")),
            CertificatePassword = Empty(metadata.GetString("azureCertificatePassword")),
        };
        if ((options.ClientSecret ?? options.CertificateFile ?? options.Certificate) is not null)
        {
            if (options.TenantId is null) throw metadata.Error("azureTenantId", "is required with azureClientSecret or a certificate");
            if (options.ClientId is null) throw metadata.Error("azureClientId", "is required with azureClientSecret or a certificate");
        }
        return options;
    }

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
