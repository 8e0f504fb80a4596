using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security;

/// <summary>
/// A workload identity as Dapr writes it: <c>spiffe://{trustDomain}/ns/{namespace}/{appId}</c>. Silos share one fixed
/// id in the system namespace (<see cref="ForSilo"/>), as Dapr's control-plane services do.
/// </summary>
public sealed record SpiffeId(string TrustDomain, string Namespace, string AppId)
{
    public const string SystemNamespace = "actorrt-system";
    public const string SiloAppId = "silo";
    public const string DefaultNamespace = "default";

    public static SpiffeId ForApp(string trustDomain, string? ns, string appId) =>
        new(trustDomain, string.IsNullOrEmpty(ns) ? DefaultNamespace : ns, appId);

    public static SpiffeId ForSilo(string trustDomain) => new(trustDomain, SystemNamespace, SiloAppId);

    public bool IsSilo => Namespace == SystemNamespace && AppId == SiloAppId;

    public Uri ToUri() => new($"spiffe://{TrustDomain}/ns/{Namespace}/{AppId}");

    public override string ToString() => ToUri().ToString();

    /// <summary>Parses <c>spiffe://td/ns/{ns}/{app}</c>; anything else (other scheme, other path shape) is not an identity.</summary>
    public static bool TryParse(string? text, out SpiffeId id)
    {
        id = null!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "spiffe" || string.IsNullOrEmpty(uri.Host)) return false;
        var parts = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || parts[0] != "ns") return false;
        id = new SpiffeId(uri.Host, Uri.UnescapeDataString(parts[1]), Uri.UnescapeDataString(parts[2]));
        return true;
    }

    /// <summary>The one SPIFFE URI SAN of <paramref name="certificate"/>, or null (none, several, or malformed).</summary>
    public static SpiffeId? FromCertificate(X509Certificate2 certificate)
    {
        SpiffeId? found = null;
        foreach (var ext in certificate.Extensions)
        {
            if (ext is not X509SubjectAlternativeNameExtension san) continue;
            foreach (var uri in SubjectAlternativeNames.Uris(san))
            {
                if (!uri.StartsWith("spiffe://", StringComparison.Ordinal)) continue;
                if (found is not null || !TryParse(uri, out var id)) return null; // the SPIFFE spec allows exactly one
                found = id;
            }
        }
        return found;
    }
}
