using System.Net;
using System.Net.Sockets;

namespace ActorRuntime.EndToEnd.Tests.Middleware;

/// <summary>
/// A small HTTP server in the test process (an OpenID provider's JWKS, a token endpoint, a trace collector): each
/// request is handed to <c>handle</c>, which returns status, content type and body.
/// </summary>
public sealed class LocalEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly Func<HttpListenerRequest, byte[], (int Status, string ContentType, string Body)> _handle;

    public LocalEndpoint(Func<HttpListenerRequest, byte[], (int Status, string ContentType, string Body)> handle)
    {
        _handle = handle;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening) { return; }
            _ = Task.Run(async () =>
            {
                try
                {
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    var (status, type, text) = _handle(context.Request, body.ToArray());
                    context.Response.StatusCode = status;
                    context.Response.ContentType = type;
                    var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                }
                catch (HttpListenerException)
                {
                }
            });
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try { await _serving; } catch (ObjectDisposedException) { }
    }
}
