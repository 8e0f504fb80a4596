using ActorRuntime.Components.Http;
using ActorRuntime.Components.Model;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActorRuntime.Components.Middleware.Bearer;

/// <summary>
/// <c>middleware.http.bearer</c>: the request must carry <c>Authorization: Bearer &lt;JWT&gt;</c> signed by one of the
/// issuer's keys (JWKS), with the configured issuer and audience and a valid lifetime (5 minutes of clock skew, as
/// Dapr allows); otherwise 401 <c>Unauthorized</c>. If the keys cannot be fetched, 500. The token is never logged.
/// </summary>
public sealed class BearerMiddleware : IHttpMiddleware
{
    private static readonly MiddlewareRejection Unauthorized = MiddlewareRejection.Status(401);
    private static readonly MiddlewareRejection NoKeys = MiddlewareRejection.Status(500);
    private const string Prefix = "bearer ";

    private readonly BearerOptions _options;
    private readonly HttpClient _http;
    private readonly JwksSource _keys;
    private readonly JsonWebTokenHandler _handler = new();

    public BearerMiddleware(ComponentDefinition definition, TimeProvider? time = null)
    {
        _options = BearerOptions.From(definition);
        _http = new HttpClient(RuntimeHttp.CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        _keys = new JwksSource(_options, _http, time ?? TimeProvider.System);
    }

    // Keys are fetched on first use rather than here: silos build every component too and need no keys.
    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask<MiddlewareRejection?> HandleAsync(MiddlewareRequest request, CancellationToken cancellationToken)
    {
        var header = request.GetHeader("Authorization");
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return Unauthorized;
        var raw = header[Prefix.Length..].Trim();
        if (raw.Length == 0 || !_handler.CanReadToken(raw)) return Unauthorized;
        string? keyId;
        try
        {
            keyId = new JsonWebToken(raw).Kid;
        }
        catch (ArgumentException)
        {
            return Unauthorized; // not a JWT after all
        }

        IReadOnlyList<SecurityKey> keys;
        try
        {
            keys = await _keys.GetKeysAsync(keyId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
            && e is HttpRequestException or InvalidOperationException or ArgumentException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return NoKeys;
        }

        var result = await _handler.ValidateTokenAsync(raw, new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKeys = keys,
            ClockSkew = TimeSpan.FromMinutes(5),
            ValidateLifetime = true,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
        }).ConfigureAwait(false);
        return result.IsValid ? null : Unauthorized;
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
