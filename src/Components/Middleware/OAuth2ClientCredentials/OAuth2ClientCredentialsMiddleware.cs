using ActorRuntime.Components.Http;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Middleware.OAuth2ClientCredentials;

/// <summary>
/// <c>middleware.http.oauth2clientcredentials</c>: gets an access token from <c>tokenURL</c> with the client
/// credentials grant, keeps it until it expires (an hour when the endpoint gives no lifetime), and adds
/// <c>{headerName}: {type} {token}</c> to each request (to those whose path matches <c>pathFilter</c>, when given).
/// Concurrent requests share one token request. When no token can be had the request is refused with 500 rather
/// than sent on without credentials. Neither the secret nor the token is ever logged or put in an error.
/// </summary>
public sealed class OAuth2ClientCredentialsMiddleware : IHttpMiddleware
{
    // Renew a little early, so a token does not expire between being added and being checked.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    private readonly OAuth2ClientCredentialsOptions _options;
    private readonly HttpClient _http;
    private readonly ClientCredentialsTokenClient _client;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string HeaderValue, DateTimeOffset Until)? _cached;

    public OAuth2ClientCredentialsMiddleware(ComponentDefinition definition, TimeProvider? time = null)
    {
        _options = OAuth2ClientCredentialsOptions.From(definition);
        _time = time ?? TimeProvider.System;
        _http = new HttpClient(RuntimeHttp.CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        _client = new ClientCredentialsTokenClient(_options, _http);
    }

    public Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask<MiddlewareRejection?> HandleAsync(MiddlewareRequest request, CancellationToken cancellationToken)
    {
        if (_options.PathFilter is { } filter && !filter.IsMatch(request.Path)) return null;
        var value = await HeaderValueAsync(cancellationToken).ConfigureAwait(false);
        if (value is null) return MiddlewareRejection.Status(500);
        request.AddHeader(_options.HeaderName, value);
        return null;
    }

    private async Task<string?> HeaderValueAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } c && _time.GetUtcNow() < c.Until) return c.HeaderValue;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } again && _time.GetUtcNow() < again.Until) return again.HeaderValue;
            try
            {
                var token = await _client.RequestAsync(cancellationToken).ConfigureAwait(false);
                var lifetime = token.ExpiresIn is { } e && e > TimeSpan.Zero ? e : DefaultLifetime;
                _cached = (token.HeaderValue, _time.GetUtcNow() + (lifetime > Margin * 2 ? lifetime - Margin : lifetime));
                return token.HeaderValue;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is TokenRequestException or HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
