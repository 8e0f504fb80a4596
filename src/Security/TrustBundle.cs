using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security;

/// <summary>
/// The roots a process trusts (several during a rotation: old and new side by side) and the issuers it knows, used to
/// verify a peer's certificate: a chain to one of these roots only (never the machine's store), valid now, carrying
/// exactly one SPIFFE id in the expected trust domain.
/// </summary>
public sealed class TrustBundle
{
    public TrustBundle(string trustDomain, IReadOnlyList<X509Certificate2> roots, IReadOnlyList<X509Certificate2> issuers)
    {
        if (roots.Count == 0) throw new ArgumentException("a trust bundle needs at least one root", nameof(roots));
        TrustDomain = trustDomain;
        Roots = roots;
        Issuers = issuers;
    }

    public string TrustDomain { get; }
    public IReadOnlyList<X509Certificate2> Roots { get; }
    public IReadOnlyList<X509Certificate2> Issuers { get; }

    public static IReadOnlyList<X509Certificate2> ReadPem(string path)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(path);
        return [.. all];
    }

    /// <summary>
    /// The verified identity of <paramref name="presented"/>, or null. <paramref name="sentChain"/> (what the TLS stack
    /// received) only supplies intermediates: trust comes from <see cref="Roots"/> alone.
    /// </summary>
    public SpiffeId? Verify(X509Certificate? presented, X509Chain? sentChain = null, DateTime? at = null)
    {
        if (presented is null) return null;
        var leaf = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(Roots.ToArray());
        policy.ExtraStore.AddRange(Issuers.ToArray());
        if (sentChain is not null)
            foreach (var e in sentChain.ChainElements)
                if (!e.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)) policy.ExtraStore.Add(e.Certificate);
        policy.RevocationMode = X509RevocationMode.NoCheck; // short-lived certificates instead of revocation, as Dapr
        policy.VerificationTime = at ?? DateTime.Now;
        policy.VerificationTimeIgnored = false;
        if (!chain.Build(leaf)) return null;
        var id = SpiffeId.FromCertificate(leaf);
        return id is not null && string.Equals(id.TrustDomain, TrustDomain, StringComparison.Ordinal) ? id : null;
    }
}
