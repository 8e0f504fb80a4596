using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>
/// Knocks on a runtime port the way a stranger would. "Accepted" means the server finished the handshake and kept the
/// connection open (Kestrel sends its HTTP/2 settings, Orleans waits for our preamble); "refused" means the handshake
/// failed or the server closed the connection right after it (with TLS 1.3 a rejected client certificate is reported
/// only after the client's side of the handshake completed).
/// </summary>
public static class TlsProbe
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    /// <summary>Tried with and without ALPN: Kestrel's HTTP/2-only endpoint needs <c>h2</c>, Orleans' ports negotiate none.</summary>
    public static async Task<bool> AcceptsTlsAsync(int port, X509Certificate2? clientCertificate) =>
        await AcceptsTlsAsync(port, clientCertificate, alpn: true) || await AcceptsTlsAsync(port, clientCertificate, alpn: false);

    private static async Task<bool> AcceptsTlsAsync(int port, X509Certificate2? clientCertificate, bool alpn)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        try
        {
            using var handshake = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "actorrt",
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ApplicationProtocols = alpn ? [SslApplicationProtocol.Http2] : null,
                RemoteCertificateValidationCallback = (_, _, _, _) => true, // we test the server's check, not ours
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
            }, handshake.Token);
            return await StaysOpenAsync(ssl);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>True if a plaintext client gets anything but a closed connection for bytes that are not TLS.</summary>
    public static async Task<bool> AcceptsPlaintextAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray()); // HTTP/2 prior knowledge, as h2c callers start
            return await StaysOpenAsync(stream) && !await ClosesSoonAsync(stream);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The certificate the server presents on a new handshake.</summary>
    public static async Task<X509Certificate2> ServerCertificateAsync(int port, X509Certificate2 clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "actorrt",
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate,
        });
        return new X509Certificate2(ssl.RemoteCertificate!);
    }

    private static async Task<bool> StaysOpenAsync(Stream stream)
    {
        var buffer = new byte[256];
        using var wait = new CancellationTokenSource(Patience);
        try
        {
            return await stream.ReadAsync(buffer, wait.Token) > 0;
        }
        catch (OperationCanceledException)
        {
            return true; // silent but open: the server waits for us
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return false;
        }
    }

    /// <summary>A TLS server answers garbage with an alert and a close; read until then, a few seconds at most.</summary>
    private static async Task<bool> ClosesSoonAsync(Stream stream)
    {
        var buffer = new byte[256];
        using var wait = new CancellationTokenSource(Patience);
        try
        {
            while (await stream.ReadAsync(buffer, wait.Token) > 0) { }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
