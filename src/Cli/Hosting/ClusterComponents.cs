using ActorRuntime.Components;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;

namespace ActorRuntime.Cli.Hosting;

/// <summary>
/// What a silo serves: every component in its resource paths, whatever app it is scoped to (grains act for all
/// apps), added to the process catalog and connected before the silo joins the cluster.
/// </summary>
internal sealed class ClusterComponents(ComponentCatalog catalog, IReadOnlyList<ComponentDefinition> definitions, ILogger<ClusterComponents> logger) : IHostedService
{
    public static IReadOnlyList<ComponentDefinition> Load(IReadOnlyList<string> resourcePaths)
    {
        var result = new List<ComponentDefinition>();
        foreach (var doc in ResourceLoader.LoadDocuments(resourcePaths).Where(d => d.IsComponent))
        {
            var component = ResourceLoader.ParseComponent(doc);
            if (!KnownComponentTypes.IsKnown(component.Type))
            {
                if (component.IgnoreErrors) continue;
                throw new ComponentConfigurationException(doc.File, component.Name, "spec.type", $"unknown component type '{component.Type}'");
            }
            result.Add(component);
        }
        return result;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var d in definitions.Where(d => d.Category == "state"))
        {
            if (await catalog.TryConnectAsync(d, error => logger.LogWarning("Component {Name} failed to initialize and is skipped (ignoreErrors): {Error}", d.Name, error), cancellationToken))
                logger.LogInformation("Component loaded: {Name} ({Type}) as {InstanceId}", d.Name, d.Type, d.InstanceId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
