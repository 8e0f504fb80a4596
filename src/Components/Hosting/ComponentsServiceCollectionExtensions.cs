using ActorRuntime.Components.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Components.Hosting;

public static class ComponentsServiceCollectionExtensions
{
    /// <summary>The process-wide catalog that grains use. Pass an existing one to share it between hosts in one process.</summary>
    public static IServiceCollection AddComponentCatalog(this IServiceCollection services, ComponentCatalog? shared = null)
    {
        if (shared is not null) services.TryAddSingleton(shared);
        else services.TryAddSingleton<ComponentCatalog>();
        return services;
    }

    /// <summary>
    /// One app's components, connected when the host starts, before hosted services added later (the gateway)
    /// begin: nothing serves until every component is ready.
    /// </summary>
    public static IServiceCollection AddAppComponents(this IServiceCollection services, IReadOnlyList<ComponentDefinition> definitions)
    {
        services.AddComponentCatalog();
        services.AddSingleton(sp => new ComponentRegistry(definitions, sp.GetRequiredService<ComponentCatalog>(), sp.GetRequiredService<ILogger<ComponentRegistry>>()));
        services.AddHostedService<ComponentInitializer>();
        return services;
    }

    private sealed class ComponentInitializer(ComponentRegistry registry) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => registry.InitializeAsync(cancellationToken);
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
