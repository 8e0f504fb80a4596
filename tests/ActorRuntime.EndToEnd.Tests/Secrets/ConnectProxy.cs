using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>
/// An HTTP CONNECT proxy on loopback that tunnels every <c>CONNECT host:port</c> to one local port. A runtime given
/// <c>HTTPS_PROXY</c> pointing here reaches a cloud host name (a Key Vault's <c>*.vault...</c>) that DNS on a test
/// machine cannot resolve, while TLS still runs end to end between the runtime and the server named in the request.
/// </summary>
internal sealed class ConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ConnectProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public List<string> Tunnels { get; } = [];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = TunnelAsync(client);
        }
    }

    private async Task TunnelAsync(TcpClient client)
    {
        using var _ = client;
        var downstream = client.GetStream();
        var head = await ReadHeadAsync(downstream);
        var requestLine = head.Split("\r\n")[0];
        if (!requestLine.StartsWith("CONNECT ", StringComparison.Ordinal))
        {
            await downstream.WriteAsync("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            return;
        }
        lock (Tunnels) Tunnels.Add(requestLine.Split(' ')[1]);
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, _targetPort);
        await downstream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray());
        var up = upstream.GetStream();
        await Task.WhenAny(downstream.CopyToAsync(up, _stop.Token), up.CopyToAsync(downstream, _stop.Token));
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        // Byte by byte up to the blank line: the TLS bytes that follow must stay in the stream.
        var head = new StringBuilder();
        var one = new byte[1];
        while (head.Length < 8192 && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
            if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n") break;
        }
        return head.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
