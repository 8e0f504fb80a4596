using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace ActorRuntime.Components.Middleware.Bearer;

/// <summary>
/// The issuer's signing keys: fetched from <c>jwksURL</c> (or the URL OpenID discovery names) on first use, then kept
/// and refreshed at most every <see cref="RefreshInterval"/>, or sooner when a token names a key we do not have (key
/// rotation), but not more than once every <see cref="MinUnknownKeyInterval"/>.
/// </summary>
internal sealed class JwksSource(BearerOptions options, HttpClient http, TimeProvider time)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinUnknownKeyInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile IReadOnlyList<SecurityKey>? _keys;
    private long _fetchedTicks; // UTC ticks; read without the gate, so kept in one word
    private Uri? _jwksUrl = options.JwksUrl;

    /// <summary>The keys; <paramref name="keyId"/> not among them triggers a refresh (rate-limited).</summary>
    public async Task<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var keys = _keys;
        var age = time.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref _fetchedTicks), TimeSpan.Zero);
        var unknown = keyId is not null && keys is not null && !keys.Any(k => k.KeyId == keyId);
        if (keys is not null && age < RefreshInterval && !(unknown && age >= MinUnknownKeyInterval)) return keys;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(keys, _keys) && _keys is not null) return _keys;
            try
            {
                _keys = await FetchAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _fetchedTicks, time.GetUtcNow().UtcTicks);
            }
            catch (Exception) when (_keys is not null)
            {
                // The provider is briefly unreachable: keep the keys we have, and ask again in a while rather than
                // on every request.
                Interlocked.Exchange(ref _fetchedTicks, (time.GetUtcNow() - RefreshInterval + MinUnknownKeyInterval).UtcTicks);
            }
            return _keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<SecurityKey>> FetchAsync(CancellationToken cancellationToken)
    {
        _jwksUrl ??= await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var json = await GetStringAsync(_jwksUrl, cancellationToken).ConfigureAwait(false);
        var set = new JsonWebKeySet(json);
        var keys = set.GetSigningKeys();
        if (keys.Count == 0) throw new InvalidOperationException($"the JWKS at {_jwksUrl} has no signing keys");
        return [.. keys];
    }

    // OpenID Connect discovery: the document must name the configured issuer exactly (no trailing-slash leniency).
    private async Task<Uri> DiscoverAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(options.Issuer.TrimEnd('/') + "/.well-known/openid-configuration");
        using var doc = JsonDocument.Parse(await GetStringAsync(url, cancellationToken).ConfigureAwait(false));
        var root = doc.RootElement;
        var issuer = root.TryGetProperty("issuer", out var i) ? i.GetString() : null;
        if (!string.Equals(issuer, options.Issuer, StringComparison.Ordinal))
            throw new InvalidOperationException($"the OpenID configuration at {url} names issuer '{issuer}', not '{options.Issuer}'");
        if (!root.TryGetProperty("jwks_uri", out var j) || !Uri.TryCreate(j.GetString(), UriKind.Absolute, out var jwks))
            throw new InvalidOperationException($"the OpenID configuration at {url} has no 'jwks_uri'");
        return jwks;
    }

    private async Task<string> GetStringAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{url} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }
}
