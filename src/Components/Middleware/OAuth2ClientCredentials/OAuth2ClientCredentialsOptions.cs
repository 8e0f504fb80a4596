using System.Text.RegularExpressions;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Middleware.OAuth2ClientCredentials;

/// <summary>
/// <c>middleware.http.oauth2clientcredentials</c> metadata: <c>clientId</c>, <c>clientSecret</c>, <c>scopes</c>
/// (comma- or space-separated), <c>tokenURL</c> and <c>headerName</c> are required; <c>endpointParamsQuery</c> (extra
/// form fields for the token request, as a query string), <c>authStyle</c> (0 detect, 1 in the form, 2 HTTP Basic) and
/// <c>pathFilter</c> (a regular expression: only matching paths get the header) are optional.
/// </summary>
internal sealed record OAuth2ClientCredentialsOptions(
    string ClientId, string ClientSecret, IReadOnlyList<string> Scopes, Uri TokenUrl, string HeaderName,
    IReadOnlyList<KeyValuePair<string, string>> EndpointParams, int AuthStyle, Regex? PathFilter)
{
    public static OAuth2ClientCredentialsOptions From(ComponentDefinition definition)
    {
        var m = definition.GetMetadata();
        var tokenUrlText = m.GetRequiredString("tokenURL");
        if (!Uri.TryCreate(tokenUrlText, UriKind.Absolute, out var tokenUrl) || tokenUrl.Scheme is not ("http" or "https"))
            throw m.Error("tokenURL", $"must be an http or https URL, not '{tokenUrlText}'");
        var scopes = m.GetRequiredString("scopes").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var authStyle = m.GetInt("authStyle", 0, 0, 2);
        Regex? filter = null;
        if (m.GetString("pathFilter") is { Length: > 0 } pf)
        {
            try { filter = new Regex(pf, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                throw m.Error("pathFilter", $"'{pf}' is not a valid regular expression: {e.Message}");
            }
        }
        return new OAuth2ClientCredentialsOptions(
            m.GetRequiredString("clientId"),
            m.GetRequiredString("clientSecret"),
            scopes,
            tokenUrl,
            m.GetRequiredString("headerName"),
            ParseQuery(m.GetString("endpointParamsQuery")),
            authStyle,
            filter);
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string? query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrWhiteSpace(query)) return result;
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            result.Add(new(key, value));
        }
        return result;
    }

    // Never print the secret, whatever formats this record.
    public override string ToString() => $"OAuth2ClientCredentials {{ ClientId = {ClientId}, TokenUrl = {TokenUrl}, HeaderName = {HeaderName} }}";
}
