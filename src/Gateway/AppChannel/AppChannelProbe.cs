using System.Net.Sockets;
using ActorRuntime.Gateway.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.AppChannel;

/// <summary>
/// Waits for the app's port to accept connections (polling every 100 ms, as daprd does) and then marks the
/// app channel ready. Without an app port there is no channel and the gateway is ready at once.
/// </summary>
internal sealed partial class AppChannelProbe(IOptions<GatewayOptions> options, RuntimeReadiness readiness, ILogger<AppChannelProbe> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.AppPort is not { } port)
        {
            readiness.AppChannelReady = true;
            return;
        }
        LogWaiting(port);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var client = new TcpClient();
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                attempt.CancelAfter(TimeSpan.FromMilliseconds(500));
                await client.ConnectAsync(o.AppChannelAddress, port, attempt.Token);
                readiness.AppChannelReady = true;
                LogReady(port);
                return;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(100, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the app to listen on port {Port}")]
    private partial void LogWaiting(int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "App is listening on port {Port}; app channel ready")]
    private partial void LogReady(int port);
}
