using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ActorRuntime.Components.Middleware.OAuth2ClientCredentials;

/// <summary>
/// One OAuth2 client-credentials token request (RFC 6749 §4.4). Auth style 2 sends the client id and secret as HTTP
/// Basic, 1 in the form; 0 tries Basic first and, when the endpoint refuses it, the form, then keeps what worked.
/// </summary>
internal sealed class ClientCredentialsTokenClient(OAuth2ClientCredentialsOptions options, HttpClient http)
{
    private int _detectedStyle = options.AuthStyle;

    public sealed record Token(string HeaderValue, TimeSpan? ExpiresIn);

    public async Task<Token> RequestAsync(CancellationToken cancellationToken)
    {
        if (_detectedStyle != 0) return await RequestAsync(_detectedStyle, cancellationToken).ConfigureAwait(false);
        try
        {
            var token = await RequestAsync(2, cancellationToken).ConfigureAwait(false);
            _detectedStyle = 2;
            return token;
        }
        catch (TokenRequestException)
        {
            var token = await RequestAsync(1, cancellationToken).ConfigureAwait(false);
            _detectedStyle = 1;
            return token;
        }
    }

    private async Task<Token> RequestAsync(int style, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (options.Scopes.Count > 0) form.Add(new("scope", string.Join(' ', options.Scopes)));
        form.AddRange(options.EndpointParams);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenUrl);
        if (style == 1)
        {
            form.Add(new("client_id", options.ClientId));
            form.Add(new("client_secret", options.ClientSecret));
        }
        else
        {
            // RFC 6749 §2.3.1: form-encode each part before joining them.
            var basic = $"{Uri.EscapeDataString(options.ClientId)}:{Uri.EscapeDataString(options.ClientSecret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        }
        request.Content = new FormUrlEncodedContent(form);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new TokenRequestException($"the token endpoint answered {(int)response.StatusCode}");
        return Parse(body);
    }

    private static Token Parse(string body)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (JsonException) { throw new TokenRequestException("the token endpoint's answer is not JSON"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("access_token", out var at) || at.GetString() is not { Length: > 0 } accessToken)
                throw new TokenRequestException("the token endpoint's answer has no access_token");
            var type = root.TryGetProperty("token_type", out var tt) ? tt.GetString() : null;
            TimeSpan? expires = null;
            if (root.TryGetProperty("expires_in", out var ei))
            {
                if (ei.ValueKind == JsonValueKind.Number && ei.TryGetInt64(out var s)) expires = TimeSpan.FromSeconds(s);
                else if (ei.ValueKind == JsonValueKind.String && long.TryParse(ei.GetString(), out var s2)) expires = TimeSpan.FromSeconds(s2);
            }
            return new Token($"{TypeName(type)} {accessToken}", expires);
        }
    }

    // As Go's oauth2 package writes the type: the usual ones in their canonical case, Bearer when none is given.
    private static string TypeName(string? type) => type?.ToLowerInvariant() switch
    {
        null or "" or "bearer" => "Bearer",
        "mac" => "MAC",
        "basic" => "Basic",
        _ => type,
    };
}

/// <summary>The token endpoint refused or answered something unusable; the message names no secret.</summary>
internal sealed class TokenRequestException(string message) : Exception(message);
