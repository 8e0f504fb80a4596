using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security.Tests;

public sealed class CertificateAuthorityTests : IDisposable
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(15);
    private readonly TempFolder _temp = new();

    [Fact]
    public void Init_writes_owner_only_files_and_issues_a_spiffe_certificate_the_bundle_verifies()
    {
        var ca = CertificateAuthority.Create(_temp.Ca, "example.org");
        foreach (var f in new[] { _temp.Ca.TrustBundle, _temp.Ca.IssuerCert, _temp.Ca.IssuerKey, _temp.Ca.RootKey, _temp.Ca.Issuers })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        var id = SpiffeId.ForApp("example.org", "prod", "orders");
        using var leaf = ca.Issue(id, Day, Skew);

        Assert.Equal("spiffe://example.org/ns/prod/orders", SpiffeId.FromCertificate(leaf)!.ToString());
        Assert.Equal(id, CertificateAuthority.Load(_temp.Ca).Bundle.Verify(leaf));
        Assert.True(leaf.HasPrivateKey);
        Assert.Equal("ECDsa", leaf.GetECDsaPublicKey()!.SignatureAlgorithm);
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToList();
        Assert.Contains("1.3.6.1.5.5.7.3.1", eku);
        Assert.Contains("1.3.6.1.5.5.7.3.2", eku);
    }

    [Fact]
    public void The_certificate_lives_for_the_ttl_and_starts_allowed_clock_skew_early()
    {
        var ca = CertificateAuthority.Create(_temp.Ca, "public");
        var now = DateTimeOffset.UtcNow;
        using var leaf = ca.Issue(SpiffeId.ForSilo("public"), TimeSpan.FromSeconds(30), Skew, now);
        Assert.InRange(leaf.NotBefore.ToUniversalTime(), now.UtcDateTime - Skew - TimeSpan.FromSeconds(1), now.UtcDateTime - Skew + TimeSpan.FromSeconds(1));
        Assert.InRange(leaf.NotAfter.ToUniversalTime(), now.UtcDateTime + TimeSpan.FromSeconds(29), now.UtcDateTime + TimeSpan.FromSeconds(31));
    }

    [Fact]
    public void A_certificate_from_another_ca_with_the_same_spiffe_id_is_refused()
    {
        var ours = CertificateAuthority.Create(_temp.Ca, "public");
        var other = CertificateAuthority.Create(new CaFiles(Path.Combine(_temp.Path, "other")), "public");
        using var foreign = other.Issue(SpiffeId.ForApp("public", null, "orders"), Day, Skew);
        Assert.Null(ours.Bundle.Verify(foreign));
    }

    [Fact]
    public void An_expired_certificate_and_one_from_another_trust_domain_are_refused()
    {
        var ca = CertificateAuthority.Create(_temp.Ca, "public");
        using var expired = ca.Issue(SpiffeId.ForApp("public", null, "a"), TimeSpan.FromMinutes(1), TimeSpan.Zero, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10));
        Assert.Null(ca.Bundle.Verify(expired));
        using var elsewhere = ca.Issue(SpiffeId.ForApp("evil.example", null, "a"), Day, Skew);
        Assert.Null(ca.Bundle.Verify(elsewhere));
    }

    [Fact]
    public void Root_rotation_accepts_old_and_new_leaves_during_the_overlap_and_only_new_ones_after()
    {
        var ca = CertificateAuthority.Create(_temp.Ca, "public");
        var id = SpiffeId.ForApp("public", null, "a");
        using var oldLeaf = ca.Issue(id, Day, Skew);

        var rotated = CertificateAuthority.RotateRoot(_temp.Ca);
        using var newLeaf = rotated.Issue(id, Day, Skew);
        Assert.Equal(2, rotated.Bundle.Roots.Count);
        Assert.NotEqual(ca.Issuer.Thumbprint, rotated.Issuer.Thumbprint);
        Assert.Equal(id, rotated.Bundle.Verify(oldLeaf));
        Assert.Equal(id, rotated.Bundle.Verify(newLeaf));
        Assert.Null(ca.Bundle.Verify(newLeaf)); // a process that had not picked up the new bundle would refuse it

        var after = CertificateAuthority.DropOldRoots(_temp.Ca);
        Assert.Single(after.Bundle.Roots);
        Assert.Null(after.Bundle.Verify(oldLeaf));
        Assert.Equal(id, after.Bundle.Verify(newLeaf));
    }

    [Fact]
    public void Init_imports_the_users_issuer_and_root()
    {
        var theirs = CertificateAuthority.Create(new CaFiles(Path.Combine(_temp.Path, "theirs")), "corp.example");
        var files = new CaFiles(Path.Combine(_temp.Path, "theirs"));
        var ca = CertificateAuthority.Import(_temp.Ca, "corp.example", files.IssuerCert, files.IssuerKey, files.TrustBundle);
        Assert.Equal(theirs.Issuer.Thumbprint, ca.Issuer.Thumbprint);
        using var leaf = ca.Issue(SpiffeId.ForSilo("corp.example"), Day, Skew);
        Assert.NotNull(theirs.Bundle.Verify(leaf));
        Assert.False(File.Exists(_temp.Ca.RootKey)); // the user's root key never comes here

        var unrelated = CertificateAuthority.Create(new CaFiles(Path.Combine(_temp.Path, "unrelated")), "corp.example");
        Assert.Throws<CryptographicException>(() => CertificateAuthority.Import(new CaFiles(Path.Combine(_temp.Path, "bad")), "corp.example",
            files.IssuerCert, files.IssuerKey, new CaFiles(Path.Combine(_temp.Path, "unrelated")).TrustBundle));
        _ = unrelated;
    }

    [Fact]
    public void Two_processes_creating_the_machine_ca_at_once_end_with_one()
    {
        var cas = Enumerable.Range(0, 4).AsParallel().Select(_ => CertificateAuthority.LoadOrCreate(_temp.Ca, "public")).ToList();
        var onDisk = CertificateAuthority.Load(_temp.Ca);
        Assert.All(cas, c => Assert.Equal(onDisk.Issuer.Thumbprint, c.Issuer.Thumbprint));
    }

    [Theory]
    [InlineData("spiffe://public/ns/default/a", true)]
    [InlineData("spiffe://public/ns/default", false)]
    [InlineData("spiffe://public/x/default/a", false)]
    [InlineData("https://public/ns/default/a", false)]
    public void Spiffe_ids_parse_only_in_daprs_shape(string text, bool ok) => Assert.Equal(ok, SpiffeId.TryParse(text, out _));

    public void Dispose() => _temp.Dispose();
}
