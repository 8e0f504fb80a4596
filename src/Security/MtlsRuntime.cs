using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security;

/// <summary>
/// One process's mTLS state: the trust bundle, re-read when the CA folder's bundle changes (so a root rotation reaches
/// a running process without a restart), and one renewing <see cref="WorkloadCertificate"/> per identity the process
/// speaks as (a silo, each gateway of <c>actorrt run</c>).
/// </summary>
/// <remarks>
/// How processes get certificates: every process that has the CA's issuer key (the shared home folder, or the same
/// <c>--issuer-*</c> files) issues its own. No certificate travels over the network, and no join token has to be
/// handed out; the cost is that the issuer key must be on every machine that runs a silo or a gateway.
/// </remarks>
public sealed class MtlsRuntime : IDisposable
{
    private static readonly TimeSpan BundleCheckInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<SpiffeId, WorkloadCertificate> _identities = new();
    private readonly TimeProvider _time;
    private readonly Lock _reload = new();
    private volatile CertificateAuthority _ca;
    private DateTime _bundleWritten;
    private long _nextCheck;

    public MtlsRuntime(MtlsSettings settings, TimeProvider? time = null)
    {
        Settings = settings;
        Files = new CaFiles(settings.CaFolder ?? throw new ArgumentException("CaFolder is required", nameof(settings)));
        _time = time ?? TimeProvider.System;
        _ca = LoadWithRetry();
        _bundleWritten = File.GetLastWriteTimeUtc(Files.TrustBundle);
    }

    public MtlsSettings Settings { get; }
    public CaFiles Files { get; }
    public string TrustDomain => _ca.TrustDomain;

    /// <summary>The trust bundle as of now (re-read at most once a second when the file changed).</summary>
    public TrustBundle Bundle
    {
        get
        {
            RefreshIfChanged();
            return _ca.Bundle;
        }
    }

    /// <summary>The issuing CA as of now (a rotation writes a new issuer; the next renewal uses it).</summary>
    internal CertificateAuthority Authority
    {
        get
        {
            RefreshIfChanged();
            return _ca;
        }
    }

    public SpiffeId SiloId => SpiffeId.ForSilo(TrustDomain);

    public SpiffeId AppId(string? ns, string appId) => SpiffeId.ForApp(TrustDomain, ns, appId);

    /// <summary>The renewing certificate this process presents as <paramref name="id"/>.</summary>
    public WorkloadCertificate IdentityFor(SpiffeId id) => _identities.GetOrAdd(id, i => new WorkloadCertificate(this, i, _time));

    /// <summary>The peer's verified identity, or null: not from a root in the bundle, expired, or not in our trust domain.</summary>
    public SpiffeId? Verify(X509Certificate? presented, X509Chain? sentChain = null) => Bundle.Verify(presented, sentChain);

    /// <summary>
    /// The identity of a connection's peer certificate for access control: verified against today's bundle as of the
    /// middle of the certificate's life (the handshake already checked expiry; a long-lived connection keeps its
    /// identity, a root dropped from the bundle loses it). Cached per certificate object and bundle, because building
    /// a chain costs far more than the request it guards and a connection presents one certificate object.
    /// </summary>
    public SpiffeId? IdentityOfConnection(X509Certificate2 certificate)
    {
        var bundle = Bundle;
        if (_connectionIdentities.TryGetValue(certificate, out var cached) && ReferenceEquals(cached.Bundle, bundle)) return cached.Id;
        var id = bundle.Verify(certificate, null, certificate.NotBefore + (certificate.NotAfter - certificate.NotBefore) / 2);
        _connectionIdentities.AddOrUpdate(certificate, new VerifiedIdentity(bundle, id));
        return id;
    }

    private sealed record VerifiedIdentity(TrustBundle Bundle, SpiffeId? Id);

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<X509Certificate2, VerifiedIdentity> _connectionIdentities = new();

    private void RefreshIfChanged()
    {
        var now = Environment.TickCount64;
        if (now < Interlocked.Read(ref _nextCheck)) return;
        lock (_reload)
        {
            if (now < _nextCheck) return;
            _nextCheck = now + (long)BundleCheckInterval.TotalMilliseconds;
            var written = Max(File.GetLastWriteTimeUtc(Files.TrustBundle), File.GetLastWriteTimeUtc(Files.IssuerCert));
            if (written == _bundleWritten) return;
            try
            {
                _ca = CertificateAuthority.Load(Files); // no waiting here: this runs on a request's path
                _bundleWritten = written;
            }
            catch (Exception e) when (IsHalfWritten(e))
            {
                // A half-written rotation: keep the bundle we have and look again at the next check.
            }
        }
    }

    /// <summary>A key that fits no certificate (ArgumentException), a truncated PEM, a file being replaced.</summary>
    private static bool IsHalfWritten(Exception e) => e is IOException or CryptographicException or ArgumentException;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    /// <summary>A rotation writes several files; a load that lands between two of them sees a key that fits no certificate.</summary>
    private CertificateAuthority LoadWithRetry()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return CertificateAuthority.Load(Files);
            }
            catch (Exception e) when (IsHalfWritten(e) && e is not FileNotFoundException && attempt < 5)
            {
                Thread.Sleep(50 * attempt);
            }
        }
    }

    public void Dispose()
    {
        foreach (var identity in _identities.Values) identity.Dispose();
        _identities.Clear();
    }
}
