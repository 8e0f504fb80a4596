using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.NameResolution;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Configuration;

/// <summary>
/// Keeps this gateway feeding exactly the app's HTTP configuration subscriptions the app's subscription grain says it
/// holds: it resumes those it took over from a lost gateway (or from its own previous run) and stops those unsubscribed
/// through another gateway or taken by another instance. Runs while the app is up, at the directory's renewal pace.
/// </summary>
internal sealed partial class ConfigurationSubscriptionKeeper(
    ConfigurationService configuration, LocalAppInstance local, RuntimeReadiness readiness, IOptions<GatewayOptions> options,
    ILogger<ConfigurationSubscriptionKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.AppPort is null) return; // no app to deliver to
        using var timer = new PeriodicTimer(AppInstanceRegistration.RenewEvery);
        do
        {
            if (!readiness.AppServing || !readiness.ClusterReady) continue;
            try
            {
                await SyncAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSyncFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        // Taken before the claim: an id recorded after it may be missing from the answer without being gone.
        var fedBefore = configuration.RecordedIds.ToList();
        var held = await configuration.Book().Claim(local.InstanceId);
        var heldIds = held.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var s in held.Where(s => !configuration.RecordedIds.Contains(s.Id)))
        {
            try
            {
                await configuration.ResumeAsync(s, ct);
                LogResumed(s.Id, s.Store);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogResumeFailed(s.Id, s.Store, ex.Message); // tried again on the next tick
            }
        }
        // Unsubscribed through another gateway, or taken by another instance: stop feeding it here.
        foreach (var id in fedBefore.Except(heldIds)) await configuration.StopAsync(id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration subscription {Id} on {Store} is fed by this gateway now")]
    private partial void LogResumed(string id, string store);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration subscription {Id} on {Store} could not be resumed yet: {Problem}")]
    private partial void LogResumeFailed(string id, string store, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration subscriptions could not be synchronised with the cluster: {Problem}")]
    private partial void LogSyncFailed(string problem);
}
