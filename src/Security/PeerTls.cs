using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security;

/// <summary>
/// TLS settings for one identity talking to other runtime processes: the certificate it presents (chosen per handshake,
/// so renewals apply to new connections) and the check it applies to the other side (trust bundle + SPIFFE id).
/// Host names are not checked: runtime processes are named by SPIFFE id, not DNS.
/// </summary>
public sealed class PeerTls(MtlsRuntime runtime, WorkloadCertificate identity)
{
    public MtlsRuntime Runtime { get; } = runtime;
    public WorkloadCertificate Identity { get; } = identity;

    /// <summary>The name a client asks for in SNI; servers ignore it.</summary>
    public const string TargetHost = "actorrt";

    public bool ValidateRemote(object? sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Runtime.Verify(certificate, chain) is not null;

    /// <summary>For <c>SocketsHttpHandler.SslOptions</c>: present <see cref="Identity"/>, accept peers from the trust bundle.</summary>
    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        TargetHost = TargetHost,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        LocalCertificateSelectionCallback = (_, _, _, _, _) => Identity.Current,
        RemoteCertificateValidationCallback = ValidateRemote,
    };

    /// <summary>For a server: present <see cref="Identity"/>, require and verify a client certificate.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ClientCertificateRequired = true,
        ServerCertificateSelectionCallback = (_, _) => Identity.Current,
        RemoteCertificateValidationCallback = ValidateRemote,
    };
}
