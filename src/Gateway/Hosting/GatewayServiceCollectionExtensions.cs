using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Grpc;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Metadata;
using ActorRuntime.Gateway.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorRuntime.Gateway.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>Registers the Dapr-compatible API. Needs an <c>IGrainFactory</c> (co-hosted silo or Orleans client) and the components.</summary>
    public static IServiceCollection AddActorRuntimeGateway(this IServiceCollection services, Action<GatewayOptions> configure)
    {
        services.AddOptions<GatewayOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RuntimeReadiness>();
        services.AddSingleton<StateService>();
        services.AddSingleton<MetadataService>();
        services.AddHostedService<AppChannelProbe>();
        services.AddHostedService<ReadinessTracker>();
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<DaprErrorInterceptor>();
            o.EnableDetailedErrors = false;
        });
        return services;
    }
}
