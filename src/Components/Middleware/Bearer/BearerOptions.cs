using ActorRuntime.Components.Model;

namespace ActorRuntime.Components.Middleware.Bearer;

/// <summary>
/// <c>middleware.http.bearer</c> metadata: <c>issuer</c> and <c>audience</c> (required; Dapr still accepts the older
/// names <c>issuerURL</c> and <c>clientID</c>), and <c>jwksURL</c> (optional: otherwise found through the issuer's
/// <c>/.well-known/openid-configuration</c>).
/// </summary>
internal sealed record BearerOptions(string Issuer, string Audience, Uri? JwksUrl)
{
    public static BearerOptions From(ComponentDefinition definition)
    {
        var m = definition.GetMetadata();
        var issuer = m.GetString("issuer") ?? m.GetString("issuerURL");
        if (string.IsNullOrWhiteSpace(issuer)) throw m.Error("issuer", "is required: the value tokens carry in their 'iss' claim (older name: issuerURL)");
        var audience = m.GetString("audience") ?? m.GetString("clientID");
        if (string.IsNullOrWhiteSpace(audience)) throw m.Error("audience", "is required: the value tokens carry in their 'aud' claim (older name: clientID)");
        Uri? jwks = null;
        if (m.GetString("jwksURL") is { Length: > 0 } j && (!Uri.TryCreate(j, UriKind.Absolute, out jwks) || jwks.Scheme is not ("http" or "https")))
            throw m.Error("jwksURL", $"must be an http or https URL, not '{j}'");
        if (jwks is null && (!Uri.TryCreate(issuer, UriKind.Absolute, out var i) || i.Scheme is not ("http" or "https")))
            throw m.Error("issuer", $"must be an http or https URL when jwksURL is not given (the keys are found through '{issuer}/.well-known/openid-configuration')");
        return new BearerOptions(issuer, audience, jwks);
    }
}
