using System.Security.Cryptography;
using System.Text;

namespace ActorRuntime.Grains.Security;

/// <summary>
/// How gateways and silos of one cluster prove to a gateway's internal port that they belong to the cluster while
/// mutual TLS is off: every internal request carries <see cref="HeaderName"/>, an HMAC-SHA256 of a fixed label keyed
/// with the cluster secret (so the secret itself never travels), and the internal port refuses a request without the
/// right value. The secret comes from <c>ACTORRT_CLUSTER_SECRET</c> / <c>--cluster-secret-file</c>, a file under
/// <c>~/.actorrt/cluster</c> for the machine-local cluster, or the membership connection string of a shared cluster
/// (whoever may join the cluster may call its gateways); see the CLI's <c>ClusterSecrets</c>.
/// </summary>
public sealed class ClusterCredential
{
    public const string HeaderName = "x-actorrt-cluster-token";
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("actorrt internal port v1");

    private readonly byte[] _expected;
    private readonly string _value;

    public ClusterCredential(ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty) throw new ArgumentException("the cluster secret is empty", nameof(secret));
        _expected = HMACSHA256.HashData(secret, Label);
        _value = Convert.ToBase64String(_expected);
    }

    /// <summary>
    /// What hosts built without a configured secret use (tests, your own silo host): one random secret per process,
    /// which is enough when every gateway and silo of the cluster lives in this process.
    /// </summary>
    public static ClusterCredential ProcessDefault { get; } = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Adds the credential to a request for another gateway's internal port.</summary>
    public void Stamp(HttpRequestMessage request)
    {
        request.Headers.Remove(HeaderName);
        request.Headers.TryAddWithoutValidation(HeaderName, _value);
    }

    /// <summary>Whether <paramref name="given"/> is this cluster's credential; constant time in its content.</summary>
    public bool Accepts(string? given)
    {
        if (string.IsNullOrEmpty(given)) return false;
        Span<byte> decoded = stackalloc byte[64];
        return Convert.TryFromBase64String(given, decoded, out var length)
            && CryptographicOperations.FixedTimeEquals(decoded[..length], _expected);
    }

    /// <summary>Never the secret or the token: this object may end up in a log line.</summary>
    public override string ToString() => nameof(ClusterCredential);
}
