using System.Net;
using System.Net.Sockets;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A TCP relay on a free loopback port to a real service (Redis, PostgreSQL): point a component at <see cref="Port"/>,
/// then <see cref="Cut"/> it to make the service unreachable for the runtime while it runs.
/// </summary>
public sealed class TcpRelay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();

    public TcpRelay(string hostAndPort)
    {
        var colon = hostAndPort.LastIndexOf(':');
        (_host, _port) = (hostAndPort[..colon], int.Parse(hostAndPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            var upstream = new TcpClient();
            try { await upstream.ConnectAsync(_host, _port, _stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException) { client.Dispose(); upstream.Dispose(); continue; }
            lock (_open) { _open.Add(client); _open.Add(upstream); }
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try { await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token); }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException) { }
        finally { from.Dispose(); to.Dispose(); }
    }

    /// <summary>Closes the port and every relayed connection: the service is gone as far as its clients can tell.</summary>
    public void Cut()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_open)
        {
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
    }

    public void Dispose() => Cut();
}
