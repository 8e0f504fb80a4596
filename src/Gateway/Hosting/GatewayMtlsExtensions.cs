using ActorRuntime.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Orleans.Connections.Security;

namespace ActorRuntime.Gateway.Hosting;

/// <summary>
/// mTLS for a gateway: its internal port accepts only callers presenting a certificate from the trust bundle (other
/// gateways, grains), and as an Orleans client it presents its workload certificate to silos and checks theirs.
/// Certificates are chosen per handshake, so a renewal reaches new connections while open ones carry on.
/// </summary>
public static class GatewayMtlsExtensions
{
    /// <summary>The internal port: TLS with a client certificate required and verified (trust bundle, SPIFFE id).</summary>
    public static ListenOptions UseActorRuntimeMtls(this ListenOptions listen, PeerTls peer) =>
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => peer.Identity.Current,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (certificate, chain, _) => peer.Runtime.Verify(certificate, chain) is not null,
            CheckCertificateRevocation = false,
            SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
        });

    /// <summary>An Orleans client (<c>actorrt gateway</c>) talking to silos over mutual TLS.</summary>
    public static IClientBuilder UseActorRuntimeMtls(this IClientBuilder client, PeerTls peer) =>
        client.UseTls(o =>
        {
            o.LocalClientCertificateSelector = (_, _, _, _, _) => peer.Identity.Current;
            // Orleans checks a certificate is there when it builds its TLS middleware; the selectors override it per handshake.
            o.LocalCertificate = peer.Identity.Current;
            o.LocalServerCertificateSelector = (_, _) => peer.Identity.Current;
            o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            o.RemoteCertificateValidation = (certificate, chain, _) => peer.Runtime.Verify(certificate, chain) is not null;
            o.CheckCertificateRevocation = false;
            o.OnAuthenticateAsClient = (_, options) => options.TargetHost = PeerTls.TargetHost;
        });
}
