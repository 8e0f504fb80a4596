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
        // The grains' clients of gateways (ActorAppClient, PubSubDeliveryClient, BindingDeliveryClient) are built by DI
        // and take this PeerTls, beside the cluster credential.
        silo.UseTls(o => Configure(o, peer));
        return silo;
    }

    /// <summary>
    /// For an Orleans client of your own (not an <c>actorrt gateway</c>) calling into a cluster of <c>actorrt</c> processes:
    /// when the home folder has a CA, the client presents a certificate for <paramref name="appId"/> and checks the silos'.
    /// </summary>
    public static IClientBuilder UseActorRuntimeMtlsIfConfigured(this IClientBuilder client, string appId, bool? enable = null, string? caFolder = null)
    {
        if (FromHome(new ActorRuntimeSiloOptions { EnableMtls = enable }, caFolder) is not { } mtls) return client;
        var peer = new PeerTls(mtls, mtls.IdentityFor(mtls.AppId(Environment.GetEnvironmentVariable("NAMESPACE"), appId)));
        client.Services.AddSingleton(mtls);
        return client.UseTls(o => Configure(o, peer));
    }

    /// <summary>The home folder's CA when mTLS is not turned off and there is one (see <see cref="ActorRuntimeSiloOptions.EnableMtls"/>).</summary>
    internal static MtlsRuntime? FromHome(ActorRuntimeSiloOptions options, string? caFolder = null)
    {
        if (options.EnableMtls == false || options.Cluster == ClusterMode.InProcess) return null;
        var files = caFolder is not null ? new CaFiles(caFolder) : CaFiles.InHome(Components.Loading.ActorRuntimeHome.Resolve());
        if (!files.Exists)
        {
            if (options.EnableMtls == true) throw new InvalidOperationException($"mTLS is on but there is no certificate authority in {files.Folder} (run 'actorrt ca init')");
            return null;
        }
        return new MtlsRuntime(new MtlsSettings { Enabled = true, CaFolder = files.Folder });
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
