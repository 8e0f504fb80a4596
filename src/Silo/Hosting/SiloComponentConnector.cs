using ActorRuntime.Components;
using ActorRuntime.Components.Model;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Silo.Hosting;

/// <summary>
/// Connects every component the silo serves (of every building block) before the silo takes grain calls, so a grain
/// never finds a component missing. Components named by the caller stop start-up when they fail (unless
/// <c>ignoreErrors</c>); those found in the default folder only log, since this silo may never use them.
/// </summary>
internal sealed partial class SiloComponentConnector(ComponentCatalog catalog, SiloComponents.Resolved resolved, ILogger<SiloComponentConnector> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        // Before grain storage (ApplicationServices) and before the silo becomes active.
        lifecycle.Subscribe(nameof(SiloComponentConnector), ServiceLifecycleStage.RuntimeStorageServices, ConnectAsync);

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        foreach (var d in resolved.All.DistinctBy(d => (d.Category, d.InstanceId)))
        {
            try
            {
                if (await catalog.TryConnectAsync(d, error => LogIgnored(d.Name, d.Type, error), cancellationToken).ConfigureAwait(false))
                    LogConnected(d.Name, d.Type, d.InstanceId);
            }
            catch (ComponentConfigurationException e) when (!resolved.Explicit)
            {
                LogDefaultFailed(d.Name, d.Type, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Component loaded: {Name} ({Type}) as {InstanceId}")]
    private partial void LogConnected(string name, string type, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Component {Name} ({Type}) failed to initialize and is skipped (ignoreErrors: true): {Error}")]
    private partial void LogIgnored(string name, string type, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Default component {Name} ({Type}) could not be connected: {Error}")]
    private partial void LogDefaultFailed(string name, string type, string error);
}
