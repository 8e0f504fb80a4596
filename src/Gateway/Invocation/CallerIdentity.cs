using ActorRuntime.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>Who is calling on the internal port.</summary>
public sealed record CallerIdentity(string AppId, string? Namespace, string? TrustDomain)
{
    /// <summary>
    /// With mTLS on, the identity is the SPIFFE id of the certificate Kestrel verified during the handshake, and the
    /// caller's headers are rewritten to say the same, so no header a caller sets can claim another app. Without mTLS
    /// (a developer machine that turned it off) the headers set by the caller's gateway are all there is.
    /// </summary>
    public static CallerIdentity Resolve(HttpContext http)
    {
        var headers = http.Request.Headers;
        if (http.RequestServices.GetService<PeerTls>() is not { } mtls)
            return new(headers[InvocationHeaders.CallerAppId].ToString(),
                headers[InvocationHeaders.CallerNamespace].ToString() is { Length: > 0 } ns ? ns : null, null);
        // Kestrel checked the certificate, expiry included, at the handshake; see IdentityOfConnection for the rest.
        var id = http.Connection.ClientCertificate is { } certificate ? mtls.Runtime.IdentityOfConnection(certificate) : null;
        // A silo (grain) is not an app: it has no app id for access control to match.
        var caller = id is null || id.IsSilo ? new CallerIdentity("", null, null) : new CallerIdentity(id.AppId, id.Namespace, id.TrustDomain);
        headers.Remove(InvocationHeaders.CallerAppId);
        headers.Remove(InvocationHeaders.CallerNamespace);
        if (caller.AppId.Length > 0) headers[InvocationHeaders.CallerAppId] = caller.AppId;
        if (caller.Namespace is { } n) headers[InvocationHeaders.CallerNamespace] = n;
        return caller;
    }
}
