using System.Net;

namespace ActorRuntime.Components.Http;

/// <summary>
/// HTTP plumbing shared by every runtime process's outbound calls (gateway to gateway, gateway to app, grain to app):
/// one handler configuration and one rule for telling a connect failure from a failed request.
/// </summary>
public static class RuntimeHttp
{
    /// <summary>
    /// True when no byte of the request reached the peer (refused, unreachable, timed out connecting), so sending it
    /// to another instance is always safe. One rule for gateways failing over invocations and grains repinning actors.
    /// </summary>
    public static bool IsConnectFailure(Exception e) =>
        e is HttpRequestException h && (h.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            || h.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused
                or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.TimedOut });

    /// <summary>A pooled handler for calls between runtime processes and to apps: no proxy, redirects, cookies, decompression, and trace headers only from <see cref="OutboundTracePropagator"/>.</summary>
    public static SocketsHttpHandler CreateHandler(bool trustAnyCertificate = false) => CreateHandler(trustAnyCertificate, null);

    /// <summary>
    /// A handler for calls to other runtime processes' internal ports: with <paramref name="peer"/> (mTLS on) it presents
    /// that workload certificate and accepts only peers whose certificate chains to the trust bundle.
    /// </summary>
    public static SocketsHttpHandler CreatePeerHandler(Security.PeerTls? peer) => CreateHandler(false, peer);

    private static SocketsHttpHandler CreateHandler(bool trustAnyCertificate, Security.PeerTls? peer) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ActivityHeadersPropagator = OutboundTracePropagator.Instance, // adds nothing unless the process exports traces
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        SslOptions = peer is not null ? peer.ClientOptions() : trustAnyCertificate
            ? new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true }
            : new(),
    };
}
