using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security;

/// <summary>
/// The certificate one identity presents, renewed in memory at 70% of its lifetime. Open connections keep the
/// certificate they were made with (TLS checks it only at the handshake), and every new handshake picks
/// <see cref="Current"/> through a selection callback, so a renewal drops no connection and fails no call.
/// </summary>
public sealed class WorkloadCertificate : IDisposable
{
    private const double RenewAt = 0.7;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);
    private readonly MtlsRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private volatile X509Certificate2 _current;

    internal WorkloadCertificate(MtlsRuntime runtime, SpiffeId id, TimeProvider time)
    {
        _runtime = runtime;
        _time = time;
        Id = id;
        _current = Issue();
        _timer = time.CreateTimer(_ => Renew(), null, NextRenewal(), Timeout.InfiniteTimeSpan);
    }

    public SpiffeId Id { get; }

    /// <summary>The certificate (with its private key) a handshake starting now presents.</summary>
    public X509Certificate2 Current => _current;

    /// <summary>How many times the certificate was renewed (for tests and logs).</summary>
    public int Renewals { get; private set; }

    /// <summary>Issues a new certificate now (also what the timer does).</summary>
    public void Renew()
    {
        var next = RetryAfterFailure;
        try
        {
            _current = Issue();
            Renewals++;
            next = NextRenewal();
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            // The CA folder is mid-rotation or unreadable: the current certificate is still valid, try again shortly.
        }
        try { _timer?.Change(next, Timeout.InfiniteTimeSpan); } catch (ObjectDisposedException) { }
    }

    private X509Certificate2 Issue() =>
        _runtime.Authority.Issue(Id, _runtime.Settings.WorkloadCertTtl, _runtime.Settings.AllowedClockSkew, _time.GetUtcNow());

    private TimeSpan NextRenewal()
    {
        var c = _current;
        var lifetime = c.NotAfter.ToUniversalTime() - _time.GetUtcNow().UtcDateTime;
        var wait = lifetime * RenewAt;
        return wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _timer.Dispose();
}
