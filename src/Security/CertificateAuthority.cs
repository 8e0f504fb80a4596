using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security;

/// <summary>
/// The runtime's own CA (Sentry's role): a root and an issuer, created here or imported from the user's files, and the
/// issuing of short-lived workload certificates. .NET's X.509 APIs only (<see cref="CertificateRequest"/>, ECDSA P-256).
/// </summary>
public sealed class CertificateAuthority
{
    public const string DefaultTrustDomain = "public";
    private static readonly TimeSpan RootLifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan IssuerLifetime = TimeSpan.FromDays(365);

    private CertificateAuthority(string trustDomain, X509Certificate2 issuer, TrustBundle bundle)
    {
        TrustDomain = trustDomain;
        Issuer = issuer;
        Bundle = bundle;
    }

    public string TrustDomain { get; }

    /// <summary>The issuing certificate, with its private key.</summary>
    public X509Certificate2 Issuer { get; }

    public TrustBundle Bundle { get; }

    /// <summary>Creates a root and an issuer in <paramref name="files"/> (replacing what is there).</summary>
    public static CertificateAuthority Create(CaFiles files, string trustDomain, DateTimeOffset? now = null)
    {
        ValidateTrustDomain(trustDomain);
        var at = now ?? DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = CreateCaCertificate($"CN=actorrt root, O={trustDomain}", rootKey, null, 1, at, RootLifetime);
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issuer = CreateCaCertificate($"CN=actorrt issuer, O={trustDomain}", issuerKey, (root, rootKey), 0, at, IssuerLifetime);
        SecureFiles.EnsureFolder(files.Folder);
        SecureFiles.Write(files.RootKey, rootKey.ExportPkcs8PrivateKeyPem());
        SecureFiles.Write(files.TrustBundle, root.ExportCertificatePem() + "\n");
        WriteIssuer(files, issuer, issuerKey, keepOlderIssuers: false);
        SecureFiles.Write(files.TrustDomainFile, trustDomain + "\n");
        return Load(files);
    }

    /// <summary>Takes the user's issuer and root (PEM files), as Sentry's <c>--issuer-*</c> flags do; checks they belong together.</summary>
    public static CertificateAuthority Import(CaFiles files, string trustDomain, string issuerCertPath, string issuerKeyPath, string rootCertPath)
    {
        ValidateTrustDomain(trustDomain);
        using var issuer = X509Certificate2.CreateFromPemFile(issuerCertPath, issuerKeyPath);
        var roots = TrustBundle.ReadPem(rootCertPath);
        var bundle = new TrustBundle(trustDomain, roots, []);
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (!chain.Build(issuer)) throw new CryptographicException($"{issuerCertPath} is not issued by a root in {rootCertPath}");
        }
        if (issuer.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            throw new CryptographicException($"{issuerCertPath} is not a CA certificate (basic constraints)");
        SecureFiles.EnsureFolder(files.Folder);
        SecureFiles.Write(files.TrustBundle, string.Concat(bundle.Roots.Select(r => r.ExportCertificatePem() + "\n")));
        using var key = issuer.GetECDsaPrivateKey() ?? throw new CryptographicException($"{issuerKeyPath} is not an ECDSA key");
        WriteIssuer(files, issuer, key, keepOlderIssuers: false);
        SecureFiles.Write(files.TrustDomainFile, trustDomain + "\n");
        return Load(files);
    }

    /// <summary>
    /// Root rotation, first half: a new root is added to the trust bundle beside the old one (the overlap) and a new
    /// issuer under it becomes current; the old issuer stays known so leaves it signed keep verifying until they expire.
    /// Processes pick the bundle up on their next check and issue from the new issuer at their next renewal. Removing the
    /// old root later (<see cref="DropRoot"/>) ends the overlap.
    /// </summary>
    public static CertificateAuthority RotateRoot(CaFiles files, DateTimeOffset? now = null)
    {
        var current = Load(files);
        var at = now ?? DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = CreateCaCertificate($"CN=actorrt root {at:yyyyMMddHHmmss}, O={current.TrustDomain}", rootKey, null, 1, at, RootLifetime);
        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issuer = CreateCaCertificate($"CN=actorrt issuer {at:yyyyMMddHHmmss}, O={current.TrustDomain}", issuerKey, (root, rootKey), 0, at, IssuerLifetime);
        // The bundle first, so every process trusts the new root before anyone presents a leaf under it.
        SecureFiles.Write(files.TrustBundle, string.Concat(current.Bundle.Roots.Append(root).Select(r => r.ExportCertificatePem() + "\n")));
        SecureFiles.Write(files.RootKey, rootKey.ExportPkcs8PrivateKeyPem());
        WriteIssuer(files, issuer, issuerKey, keepOlderIssuers: true);
        return Load(files);
    }

    /// <summary>Ends a rotation's overlap: removes every root but the newest from the trust bundle.</summary>
    public static CertificateAuthority DropOldRoots(CaFiles files)
    {
        var current = Load(files);
        var newest = current.Bundle.Roots.OrderBy(r => r.NotBefore).Last();
        SecureFiles.Write(files.TrustBundle, newest.ExportCertificatePem() + "\n");
        return Load(files);
    }

    /// <summary>Removes one root (by thumbprint) from the trust bundle.</summary>
    public static CertificateAuthority DropRoot(CaFiles files, string thumbprint)
    {
        var current = Load(files);
        var kept = current.Bundle.Roots.Where(r => !string.Equals(r.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase)).ToList();
        if (kept.Count == 0) throw new InvalidOperationException("the trust bundle would be empty");
        SecureFiles.Write(files.TrustBundle, string.Concat(kept.Select(r => r.ExportCertificatePem() + "\n")));
        return Load(files);
    }

    public static CertificateAuthority Load(CaFiles files)
    {
        if (!files.Exists) throw new FileNotFoundException($"no certificate authority in {files.Folder} (run 'actorrt ca init')");
        var trustDomain = File.Exists(files.TrustDomainFile) ? File.ReadAllText(files.TrustDomainFile).Trim() : DefaultTrustDomain;
        var issuer = X509Certificate2.CreateFromPemFile(files.IssuerCert, files.IssuerKey);
        var issuers = File.Exists(files.Issuers) ? TrustBundle.ReadPem(files.Issuers) : [X509CertificateLoader.LoadCertificate(issuer.RawData)];
        return new CertificateAuthority(trustDomain, issuer, new TrustBundle(trustDomain, TrustBundle.ReadPem(files.TrustBundle), issuers));
    }

    /// <summary>
    /// The CA of <paramref name="files"/>, created on first use (what <c>actorrt run</c> does). Two processes starting at
    /// once must end with one CA: the folder is built aside and moved into place; the loser of the move loads the winner's.
    /// </summary>
    public static CertificateAuthority LoadOrCreate(CaFiles files, string trustDomain)
    {
        if (files.Exists) return Load(files);
        var parent = Path.GetDirectoryName(Path.GetFullPath(files.Folder))!;
        Directory.CreateDirectory(parent);
        var aside = new CaFiles(Path.Combine(parent, $".ca-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        Create(aside, trustDomain);
        try
        {
            Directory.Move(aside.Folder, files.Folder);
        }
        catch (IOException) when (files.Exists)
        {
            Directory.Delete(aside.Folder, recursive: true);
        }
        return Load(files);
    }

    /// <summary>
    /// A workload certificate for <paramref name="id"/>: ECDSA P-256, the SPIFFE id as its one URI SAN, server and client
    /// authentication, valid from <paramref name="allowedClockSkew"/> ago (peers whose clocks run behind still accept it)
    /// for <paramref name="ttl"/>, never past the issuer's own expiry.
    /// </summary>
    public X509Certificate2 Issue(SpiffeId id, TimeSpan ttl, TimeSpan allowedClockSkew, DateTimeOffset? now = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var at = now ?? DateTimeOffset.UtcNow;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={id.AppId}, O={id.Namespace}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(id.ToUri());
        request.CertificateExtensions.Add(san.Build(true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Issuer, true, false));
        var notBefore = at - allowedClockSkew;
        if (notBefore < Issuer.NotBefore.ToUniversalTime()) notBefore = Issuer.NotBefore.ToUniversalTime();
        var notAfter = at + ttl;
        if (notAfter > Issuer.NotAfter.ToUniversalTime()) notAfter = Issuer.NotAfter.ToUniversalTime();
        using var signed = request.Create(Issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 CreateCaCertificate(string subject, ECDsa key, (X509Certificate2 Cert, ECDsa Key)? parent,
        int pathLength, DateTimeOffset now, TimeSpan lifetime)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var notBefore = now - TimeSpan.FromHours(1);
        if (parent is not { } p) return request.CreateSelfSigned(notBefore, now + lifetime);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(p.Cert, true, false));
        var notAfter = now + lifetime > p.Cert.NotAfter.ToUniversalTime() ? p.Cert.NotAfter.ToUniversalTime() : now + lifetime;
        using var signed = request.Create(p.Cert, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    private static void WriteIssuer(CaFiles files, X509Certificate2 issuer, ECDsa key, bool keepOlderIssuers)
    {
        var older = keepOlderIssuers && File.Exists(files.Issuers) ? TrustBundle.ReadPem(files.Issuers) : [];
        // The list of known issuers first, so no process loads a current issuer it does not yet know.
        SecureFiles.Write(files.Issuers, string.Concat(new[] { issuer }.Concat(older.Where(o => o.NotAfter > DateTime.Now))
            .Select(c => c.ExportCertificatePem() + "\n")));
        SecureFiles.Write(files.IssuerKey, key.ExportPkcs8PrivateKeyPem());
        SecureFiles.Write(files.IssuerCert, issuer.ExportCertificatePem() + "\n");
    }

    private static void ValidateTrustDomain(string trustDomain)
    {
        if (string.IsNullOrWhiteSpace(trustDomain) || !Uri.CheckHostName(trustDomain).Equals(UriHostNameType.Dns))
            throw new ArgumentException($"trust domain '{trustDomain}' must be a DNS-style name such as cluster.local", nameof(trustDomain));
    }
}
