using ActorRuntime.Gateway.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.AppChannel;

/// <summary>
/// <c>--enable-app-health-check</c>: probes the app every interval (HTTP <c>GET</c> of the health path, or gRPC
/// <c>AppCallbackHealthCheck.HealthCheck</c>); after <c>threshold</c> failures in a row the app is unhealthy and gets
/// no calls from the cluster until a probe succeeds again.
/// </summary>
internal sealed partial class AppHealthMonitor(IOptions<GatewayOptions> options, IAppChannel channel, RuntimeReadiness readiness, ILogger<AppHealthMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.AppHealthCheckEnabled || o.AppPort is null) return;
        await readiness.WaitForAppChannelAsync(stoppingToken);
        var failures = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(o.AppHealthProbeIntervalSeconds));
        do
        {
            var healthy = await ProbeAsync(o, stoppingToken);
            failures = healthy ? 0 : failures + 1;
            if (healthy && !readiness.AppHealthy) { readiness.AppHealthy = true; LogHealthy(); }
            else if (failures >= o.AppHealthThreshold && readiness.AppHealthy) { readiness.AppHealthy = false; LogUnhealthy(failures); }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<bool> ProbeAsync(GatewayOptions o, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(o.AppHealthProbeTimeoutMilliseconds);
        try
        {
            if (channel is GrpcAppChannel grpc)
            {
                await grpc.Callback.HealthCheckAsync(new global::Grpc.Core.CallOptions(cancellationToken: timeout.Token));
                return true;
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(channel.BaseAddress, o.AppHealthCheckPath));
            request.Options.Set(Middleware.AppPipeline.Bypass, true); // the runtime's own probe, not an app call
            using var response = await channel.SendAsync(request, timeout.Token);
            return (int)response.StatusCode is >= 200 and < 300;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or global::Grpc.Core.RpcException && !stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App failed {Failures} health probes in a row: it gets no more calls until it is healthy")]
    private partial void LogUnhealthy(int failures);

    [LoggerMessage(Level = LogLevel.Information, Message = "App is healthy")]
    private partial void LogHealthy();
}
