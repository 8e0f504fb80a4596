using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ActorRuntime.EndToEnd.Tests.Middleware;

/// <summary>
/// An OpenID provider made in the test, by hand (no token library): an RSA key, its JWKS, and RS256 JWTs
/// (RFC 7515/7519) signed with it. The runtime must accept what any standard issuer produces.
/// </summary>
public sealed class TestJwt : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    public string KeyId { get; } = "k-" + Guid.NewGuid().ToString("N")[..8];

    public string Jwks()
    {
        var p = _rsa.ExportParameters(false);
        return JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = B64(p.Modulus!), e = B64(p.Exponent!) } } });
    }

    public string Token(string issuer, string audience, TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.Serialize(new { alg = "RS256", typ = "JWT", kid = KeyId });
        var payload = JsonSerializer.Serialize(new { iss = issuer, aud = audience, sub = "user-1", iat = now, nbf = now - 60, exp = now + (long)(lifetime ?? TimeSpan.FromMinutes(10)).TotalSeconds });
        var signingInput = B64(Encoding.UTF8.GetBytes(header)) + "." + B64(Encoding.UTF8.GetBytes(payload));
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + B64(signature);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _rsa.Dispose();
}
