using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace ActorRuntime.Security.Tests;

/// <summary>Renewal in memory and over real TLS connections: open connections carry on, new handshakes get the new certificate.</summary>
public sealed class WorkloadCertificateTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private MtlsRuntime Runtime(TimeSpan ttl)
    {
        if (!_temp.Ca.Exists) CertificateAuthority.Create(_temp.Ca, "public");
        return new MtlsRuntime(new MtlsSettings { Enabled = true, CaFolder = _temp.Ca.Folder, WorkloadCertTtl = ttl, AllowedClockSkew = TimeSpan.Zero });
    }

    [Fact(Timeout = 60_000)]
    public async Task A_short_lived_certificate_is_renewed_at_seventy_percent_of_its_lifetime()
    {
        using var mtls = Runtime(TimeSpan.FromSeconds(10));
        var identity = mtls.IdentityFor(mtls.AppId(null, "a"));
        var first = identity.Current;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (identity.Renewals == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(identity.Renewals > 0, "not renewed within 30 s");
        Assert.NotEqual(first.Thumbprint, identity.Current.Thumbprint);
        Assert.True(first.NotAfter > DateTime.Now, "renewed only after the old certificate had expired");
    }

    [Fact(Timeout = 60_000)]
    public async Task Renewal_keeps_open_connections_and_new_handshakes_present_the_new_certificate()
    {
        using var mtls = Runtime(TimeSpan.FromHours(1));
        var server = new PeerTls(mtls, mtls.IdentityFor(mtls.SiloId));
        var client = new PeerTls(mtls, mtls.IdentityFor(mtls.AppId(null, "caller")));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var seen = new List<string>();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                var socket = await listener.AcceptTcpClientAsync();
                _ = Task.Run(async () =>
                {
                    await using var ssl = new SslStream(socket.GetStream());
                    await ssl.AuthenticateAsServerAsync(server.ServerOptions());
                    lock (seen) seen.Add(new X509Certificate2(ssl.RemoteCertificate!).Thumbprint);
                    var buffer = new byte[1];
                    while (await ssl.ReadAsync(buffer) > 0) await ssl.WriteAsync(buffer); // echo
                });
            }
        });

        await using var first = await ConnectAsync(port, client);
        await EchoAsync(first);
        var before = client.Identity.Current.Thumbprint;
        client.Identity.Renew();
        server.Identity.Renew();
        Assert.NotEqual(before, client.Identity.Current.Thumbprint);
        await EchoAsync(first); // the open connection is untouched
        await using var second = await ConnectAsync(port, client);
        await EchoAsync(second);
        await serving;
        lock (seen) Assert.Equal([before, client.Identity.Current.Thumbprint], seen);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_running_process_picks_up_a_rotated_root_and_issues_from_the_new_issuer_at_its_next_renewal()
    {
        using var mtls = Runtime(TimeSpan.FromHours(1));
        var identity = mtls.IdentityFor(mtls.AppId(null, "a"));
        var old = identity.Current;
        await Task.Delay(1100); // file timestamps must differ from the first load's
        var rotated = CertificateAuthority.RotateRoot(mtls.Files);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (mtls.Bundle.Roots.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(2, mtls.Bundle.Roots.Count);
        identity.Renew();
        Assert.NotNull(rotated.Bundle.Verify(identity.Current));
        Assert.Equal(rotated.Issuer.Subject, identity.Current.Issuer);
        Assert.NotNull(mtls.Verify(old)); // the overlap: a peer's older leaf still passes
    }

    private static async Task<SslStream> ConnectAsync(int port, PeerTls client)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(client.ClientOptions());
        return ssl;
    }

    private static async Task EchoAsync(SslStream ssl)
    {
        await ssl.WriteAsync(new byte[] { 42 });
        var buffer = new byte[1];
        Assert.Equal(1, await ssl.ReadAsync(buffer));
        Assert.Equal(42, buffer[0]);
    }

    public void Dispose() => _temp.Dispose();
}
