using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorRuntime.Gateway.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>
    /// Serves the process's Prometheus endpoint while the host runs. One per process: every app, silo and gateway in
    /// it records on the same meters, told apart by <c>app_id</c>.
    /// </summary>
    public static IServiceCollection AddActorRuntimeMetrics(this IServiceCollection services, Action<MetricsOptions> configure)
    {
        services.AddOptions<MetricsOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<MetricsEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsEndpoint>());
        return services;
    }
}
