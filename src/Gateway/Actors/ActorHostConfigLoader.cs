using ActorRuntime.Components.Actors;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.Actors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Actors;

/// <summary>
/// Asks the app which actor types it hosts (<c>GET /dapr/config</c>) once its port is open, as daprd does; any
/// answer but 200 means none. The types and their settings then go into this instance's directory entries.
/// </summary>
internal sealed partial class ActorHostConfigLoader(
    IOptions<GatewayOptions> options, IAppChannel channel, RuntimeReadiness readiness, LocalAppInstance local, ILogger<ActorHostConfigLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.AppPort is null || options.Value.AppProtocol is "grpc" or "grpcs")
        {
            readiness.ActorsReady = true;
            return;
        }
        try { await LoadAsync(stoppingToken); }
        finally { if (local.ActorTypes.Count == 0) readiness.ActorsReady = true; } // else set once registered
    }

    private async Task LoadAsync(CancellationToken stoppingToken)
    {
        await readiness.WaitForAppChannelAsync(stoppingToken);
        for (var attempt = 1; attempt <= 5 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                // An app that accepts connections but never answers must not hold readiness forever.
                using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                attemptTimeout.CancelAfter(AttemptTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(channel.BaseAddress, "/dapr/config"));
                request.Options.Set(Middleware.AppPipeline.Bypass, true); // the runtime's own probe, not an app call
                using var response = await channel.SendAsync(request, attemptTimeout.Token);
                if (!response.IsSuccessStatusCode) return;
                var config = ActorHostConfig.Parse(await response.Content.ReadAsByteArrayAsync(attemptTimeout.Token));
                if (config.Entities.Count == 0) return;
                local.SetActorTypes(config.Entities.Distinct().ToDictionary(t => t, t => ToGrainConfig(config.For(t))));
                readiness.SignalAppStateChange();
                LogHosting(string.Join(", ", config.Entities));
                return;
            }
            catch (HttpRequestException ex)
            {
                LogRetry(attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), stoppingToken);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                LogNoAnswer(AttemptTimeout.TotalSeconds);
                return;
            }
            catch (FormatException ex)
            {
                LogBadConfig(ex.Message);
                return;
            }
        }
    }

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);

    private static ActorTypeConfig ToGrainConfig(ActorTypeSettings s) =>
        new(s.IdleTimeout, s.ScanInterval, s.ReentrancyEnabled, s.MaxStackDepth, s.DrainOngoingCallTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "App hosts actor types: {Types}")]
    private partial void LogHosting(string types);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GET /dapr/config failed (attempt {Attempt}): {Error}")]
    private partial void LogRetry(int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The app did not answer GET /dapr/config within {Seconds} s: it hosts no actors")]
    private partial void LogNoAnswer(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The app's /dapr/config answer is not valid, so it hosts no actors: {Error}")]
    private partial void LogBadConfig(string error);
}
