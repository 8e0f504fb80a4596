using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Components.Tests.Secrets;

/// <summary>
/// A local HTTPS stand-in for Azure Key Vault and its Entra ID token endpoint, following the documented REST contract:
/// challenge authentication (a request without a token gets 401 and a <c>WWW-Authenticate: Bearer authorization=...,
/// resource=...</c> challenge), the client-credentials token endpoint, <c>GET /secrets/{name}[/{version}]</c>,
/// <c>GET /secrets</c> with <c>nextLink</c> paging, 404 <c>SecretNotFound</c>, and 429 with <c>Retry-After</c>.
/// Its certificate is self-signed, made here; <see cref="Certificate"/> is what clients must trust.
/// </summary>
internal sealed class KeyVaultStandIn : IAsyncDisposable
{
    /// <summary>The xunit collection of tests that set <c>AZURE_AUTHORITY_HOST</c> to a stand-in.</summary>
    public const string Collection = "key vault stand-in";
    public const string TenantId = "72f988bf-0000-0000-0000-00000000beef";
    public const string ClientId = "actorrt-test-client";
    public const string ClientSecret = "client-secret-for-the-stand-in";
    private const int PageSize = 2;

    private readonly WebApplication _app;
    private readonly string _token = "token-" + Guid.NewGuid().ToString("N");

    /// <summary>name → (versions in order, enabled). The last version is the current one.</summary>
    public ConcurrentDictionary<string, (List<(string Version, string Value)> Versions, bool Enabled)> Secrets { get; } = new();

    /// <summary>Names answered with 429 (Retry-After: 1) this many more times.</summary>
    public ConcurrentDictionary<string, int> Throttle { get; } = new();

    /// <summary>Names answered with 200 and a body that is not JSON.</summary>
    public HashSet<string> Malformed { get; } = [];

    public ConcurrentQueue<string> Requests { get; } = new();
    public int TokenRequests;
    public X509Certificate2 Certificate { get; }
    /// <summary>Where the vault answers. Key Vault clients check that the vault's host is a subdomain of the challenge's
    /// resource, so the stand-in is named as one; the test transport connects every name to 127.0.0.1.</summary>
    public const string VaultHost = "standin.vault.localhost";
    public const string Resource = "https://vault.localhost";

    public Uri BaseUri { get; private set; } = null!;
    public int Port { get; private set; }

    private KeyVaultStandIn(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public static async Task<KeyVaultStandIn> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var standIn = new KeyVaultStandIn(app, certificate);
        standIn.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.Port = new Uri(address.Replace("[::1]", "127.0.0.1")).Port;
        standIn.BaseUri = new Uri($"https://{VaultHost}:{standIn.Port}/");
        return standIn;
    }

    public void Add(string name, string value, bool enabled = true, string? version = null) =>
        Secrets.AddOrUpdate(name,
            _ => ([(version ?? Guid.NewGuid().ToString("N"), value)], enabled),
            (_, s) => { s.Versions.Add((version ?? Guid.NewGuid().ToString("N"), value)); return s; });

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        san.AddDnsName(VaultHost);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Re-imported so Kestrel gets a certificate whose private key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12, "pw"), "pw");
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (HttpContext http, string tenant) =>
        {
            Requests.Enqueue("POST token");
            var form = await http.Request.ReadFormAsync();
            if (tenant != TenantId || form["grant_type"] != "client_credentials" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
                return Results.Json(new { error = "invalid_client", error_description = "AADSTS7000215: Invalid client secret provided." }, statusCode: 401);
            Interlocked.Increment(ref TokenRequests);
            return Results.Json(new { token_type = "Bearer", expires_in = 3600, ext_expires_in = 3600, access_token = _token });
        });
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => Results.Json(new Dictionary<string, object>
        {
            ["token_endpoint"] = $"{BaseUri}{tenant}/oauth2/v2.0/token",
            ["authorization_endpoint"] = $"{BaseUri}{tenant}/oauth2/v2.0/authorize",
            ["issuer"] = $"{BaseUri}{tenant}/v2.0",
        }));

        app.MapGet("/secrets", (HttpContext http) => Authorized(http, () =>
        {
            var skip = int.TryParse(http.Request.Query["$skiptoken"], out var s) ? s : 0;
            var names = Secrets.Keys.Order(StringComparer.Ordinal).ToList();
            var page = names.Skip(skip).Take(PageSize).Select(n => new Dictionary<string, object>
            {
                ["id"] = $"{BaseUri}secrets/{n}",
                ["attributes"] = new Dictionary<string, object> { ["enabled"] = Secrets[n].Enabled, ["created"] = 1700000000, ["updated"] = 1700000000, ["recoveryLevel"] = "Recoverable+Purgeable" },
            }).ToList();
            var body = new Dictionary<string, object?> { ["value"] = page, ["nextLink"] = null };
            if (skip + PageSize < names.Count) body["nextLink"] = $"{BaseUri}secrets?api-version=7.6&$skiptoken={skip + PageSize}";
            return Results.Json(body);
        }));
        app.MapGet("/secrets/{name}/{version?}", (HttpContext http, string name, string? version) => Authorized(http, () =>
        {
            if (Throttle.TryGetValue(name, out var left) && left > 0)
            {
                Throttle[name] = left - 1;
                http.Response.Headers.RetryAfter = "1";
                return Results.Json(new { error = new { code = "Throttled", message = "Request was not processed because too many requests were received." } }, statusCode: 429);
            }
            if (Malformed.Contains(name)) return Results.Text("<html>this is not a Key Vault answer", "application/json");
            if (!Secrets.TryGetValue(name, out var secret) || (version is not null && secret.Versions.All(v => v.Version != version)))
                return Results.Json(new { error = new { code = "SecretNotFound", message = $"A secret with (name/id) {name} was not found in this key vault." } }, statusCode: 404);
            if (!secret.Enabled)
                return Results.Json(new { error = new { code = "Forbidden", message = "Operation get is not allowed on a disabled secret." } }, statusCode: 403);
            var (v, value) = version is null ? secret.Versions[^1] : secret.Versions.First(x => x.Version == version);
            return Results.Json(new Dictionary<string, object>
            {
                ["value"] = value,
                ["id"] = $"{BaseUri}secrets/{name}/{v}",
                ["attributes"] = new Dictionary<string, object> { ["enabled"] = true, ["created"] = 1700000000, ["updated"] = 1700000000, ["recoveryLevel"] = "Recoverable+Purgeable" },
            });
        }));
    }

    // Key Vault's challenge: a request without a valid token learns where to get one.
    private IResult Authorized(HttpContext http, Func<IResult> next)
    {
        Requests.Enqueue($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}");
        if (http.Request.Headers.Authorization.ToString() == "Bearer " + _token) return next();
        http.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"{BaseUri}{TenantId}\", resource=\"{Resource}\"";
        return Results.Json(new { error = new { code = "Unauthorized", message = "AKV10000: Request is missing a Bearer or PoP token." } }, statusCode: 401);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
