using ActorRuntime.Security;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Connections.Security;

namespace ActorRuntime.Silo.Hosting;

/// <summary>
/// mTLS for a silo: its silo-to-silo and client (gateway) ports accept only peers presenting a certificate from the
/// trust bundle, and it presents the silo's workload certificate, chosen per handshake so renewals need no restart.
/// Grains calling gateways' internal ports present the same certificate.
/// </summary>
public static class SiloMtlsExtensions
{
    public static ISiloBuilder UseActorRuntimeMtls(this ISiloBuilder silo, MtlsRuntime mtls)
    {
        var peer = new PeerTls(mtls, mtls.IdentityFor(mtls.SiloId));
        silo.Services.AddSingleton(mtls);
        silo.Services.AddSingleton(peer);
        silo.Services.AddSingleton(new Grains.Actors.ActorAppClient(peer));
        silo.Services.AddSingleton(new Grains.PubSub.PubSubDeliveryClient(peer));
        silo.UseTls(o => Configure(o, peer));
        return silo;
    }

    internal static void Configure(TlsOptions o, PeerTls peer)
    {
        // Orleans checks a certificate is there when it builds its TLS middleware; the selectors override it per handshake.
        o.LocalCertificate = peer.Identity.Current;
        o.LocalServerCertificateSelector = (_, _) => peer.Identity.Current;
        o.LocalClientCertificateSelector = (_, _, _, _, _) => peer.Identity.Current;
        o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate; // gateways (Orleans clients) too
        o.RemoteCertificateValidation = (certificate, chain, _) => peer.Runtime.Verify(certificate, chain) is not null;
        o.CheckCertificateRevocation = false;
        o.OnAuthenticateAsClient = (_, options) => options.TargetHost = PeerTls.TargetHost;
    }
}
