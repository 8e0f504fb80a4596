namespace ActorRuntime.Security;

/// <summary>
/// The CA folder's layout (Sentry's self-hosted names): <c>ca.crt</c> the trust bundle (one or more roots),
/// <c>issuer.crt</c>/<c>issuer.key</c> the current issuing certificate, <c>issuers.crt</c> every issuer still in use
/// (peers may present leaves of an older one during a rotation), <c>root.key</c> when we created the root ourselves,
/// <c>trust-domain</c> the SPIFFE trust domain.
/// </summary>
public sealed record CaFiles(string Folder)
{
    public string TrustBundle => Path.Combine(Folder, "ca.crt");
    public string IssuerCert => Path.Combine(Folder, "issuer.crt");
    public string IssuerKey => Path.Combine(Folder, "issuer.key");
    public string Issuers => Path.Combine(Folder, "issuers.crt");
    public string RootKey => Path.Combine(Folder, "root.key");
    public string TrustDomainFile => Path.Combine(Folder, "trust-domain");

    /// <summary><c>{home}/ca</c>: the CA of a home folder (<c>~/.actorrt</c> or <c>ACTORRT_HOME</c>).</summary>
    public static CaFiles InHome(string home) => new(Path.Combine(home, "ca"));

    public bool Exists => File.Exists(TrustBundle) && File.Exists(IssuerCert) && File.Exists(IssuerKey);
}
