using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>
/// Certificates a test presents to the runtime, made here with .NET's X.509 APIs (the tests reference no src project):
/// leaves from the runtime's own CA folder (current issuer), and a stranger CA with the same SPIFFE ids.
/// </summary>
public static class TestCertificates
{
    public static X509Certificate2 FromCa(string caFolder, string spiffeId, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var issuer = X509Certificate2.CreateFromPemFile(Path.Combine(caFolder, "issuer.crt"), Path.Combine(caFolder, "issuer.key"));
        return Leaf(issuer, spiffeId, notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5), notAfter ?? DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <summary>A leaf under a root nobody trusts, naming the same identity as a real workload.</summary>
    public static X509Certificate2 FromStranger(string spiffeId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=stranger root", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        return Leaf(root, spiffeId, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    public static string IssuerSubject(string caFolder) =>
        X509CertificateLoader.LoadCertificateFromFile(Path.Combine(caFolder, "issuer.crt")).Subject;

    private static X509Certificate2 Leaf(X509Certificate2 issuer, string spiffeId, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(spiffeId));
        request.CertificateExtensions.Add(san.Build(true));
        if (notAfter > issuer.NotAfter) notAfter = issuer.NotAfter;
        using var signed = request.Create(issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }
}
