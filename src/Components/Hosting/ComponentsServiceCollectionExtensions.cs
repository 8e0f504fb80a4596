using ActorRuntime.Components.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Components.Hosting;

public static class ComponentsServiceCollectionExtensions
{
    /// <summary>
    /// The process-wide catalog that grains use, building the component types registered in these services (the
    /// built-in ones and any added with <see cref="ComponentTypeServiceCollectionExtensions.AddComponentType"/>).
    /// Pass an existing one to share it between hosts in one process.
    /// </summary>
    public static IServiceCollection AddComponentCatalog(this IServiceCollection services, ComponentCatalog? shared = null)
    {
        services.AddBuiltInComponentTypes();
        if (shared is not null) services.TryAddSingleton(shared);
        else services.TryAddSingleton(sp => new ComponentCatalog(sp.GetRequiredService<ComponentTypes>(), sp));
        return services;
    }

    /// <summary>
    /// One app's components, connected when the host starts, before hosted services added later (the gateway)
    /// begin: nothing serves until every component is ready.
    /// </summary>
    /// <param name="connect">False for a gateway that only fronts a cluster: the silos own the connections, the gateway
    /// needs the definitions (names, key prefixes, capabilities) alone, and connects only what it serves itself
    /// (secret stores, <see cref="ComponentRegistry.ServedByGateway"/>).</param>
    public static IServiceCollection AddAppComponents(this IServiceCollection services, IReadOnlyList<ComponentDefinition> definitions, bool connect = true)
    {
        services.AddComponentCatalog();
        services.AddSingleton(sp => new ComponentRegistry(definitions, sp.GetRequiredService<ComponentCatalog>(), sp.GetRequiredService<ILogger<ComponentRegistry>>()));
        services.AddHostedService(sp => new ComponentInitializer(sp.GetRequiredService<ComponentRegistry>(), connect));
        return services;
    }

    private sealed class ComponentInitializer(ComponentRegistry registry, bool connect) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            connect ? registry.InitializeAsync(cancellationToken) : registry.MarkDefinedOnly(cancellationToken);
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
