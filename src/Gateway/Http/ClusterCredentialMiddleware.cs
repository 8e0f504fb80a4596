using ActorRuntime.Gateway.Errors;
using ActorRuntime.Grains.Security;
using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Http;

/// <summary>
/// First stage of the internal port: only gateways and silos of this cluster may call it, so that no port serves a
/// request the public port would refuse. A request without the cluster's credential is refused (401, or gRPC
/// <c>Unauthenticated</c>) before anything reads it; the credential is removed so it never reaches the app. With mTLS
/// the verified client certificate is that proof instead.
/// </summary>
internal sealed class ClusterCredentialMiddleware(RequestDelegate next, ClusterCredential credential)
{
    public Task InvokeAsync(HttpContext context)
    {
        // With mTLS the port only completes a handshake with a certificate that chains to the trust bundle: that is
        // the proof of membership, and the credential (for clusters without mTLS) is not asked for.
        if (context.Connection.ClientCertificate is not null)
        {
            context.Request.Headers.Remove(ClusterCredential.HeaderName);
            return next(context);
        }
        var given = context.Request.Headers[ClusterCredential.HeaderName].ToString();
        if (!credential.Accepts(given)) return ApiTokenMiddleware.RefuseAsync(context, "missing or invalid cluster credential");
        context.Request.Headers.Remove(ClusterCredential.HeaderName);
        return next(context);
    }
}
