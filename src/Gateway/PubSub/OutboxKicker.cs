using ActorRuntime.Components;
using ActorRuntime.Components.State;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Grains.PubSub.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Kicks the outbox grain of every state store with an outbox when the cluster is ready and every
/// <see cref="Every"/> after: this is how events whose transaction committed just before a crash get published.
/// </summary>
internal sealed partial class OutboxKicker(IGrainFactory grains, ComponentRegistry components, RuntimeReadiness readiness, ILogger<OutboxKicker> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (readiness.ClusterReady)
            {
                foreach (var definition in components.Definitions.Where(d => d.Category == StateCatalogExtensions.Category))
                {
                    try
                    {
                        if (OutboxSettings.From(definition) is null) continue;
                        await grains.GetGrain<IOutboxGrain>(definition.InstanceId).Kick();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogKickFailed(definition.Name, ex.Message);
                    }
                }
            }
            await Task.Delay(Every, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox of state store {Store}: {Error}")]
    private partial void LogKickFailed(string store, string error);
}
