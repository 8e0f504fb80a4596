using ActorRuntime.Components.Configuration;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Resiliency;
using ActorRuntime.Gateway.Actors;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Bindings;
using ActorRuntime.Gateway.Grpc;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Invocation;
using ActorRuntime.Gateway.Metadata;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Gateway.Secrets;
using ActorRuntime.Gateway.PubSub;
using ActorRuntime.Gateway.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Dapr-compatible API. Needs an <c>IGrainFactory</c> (co-hosted silo or Orleans client) and the
    /// components. The Configuration file and the Resiliency and HTTPEndpoint resources are read here, so a mistake in
    /// one stops the process before it serves anything.
    /// </summary>
    public static IServiceCollection AddActorRuntimeGateway(this IServiceCollection services, Action<GatewayOptions> configure)
    {
        services.AddOptions<GatewayOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        var options = new GatewayOptions();
        configure(options);
        AddResources(services, options);

        services.TryAddSingleton(TimeProvider.System);
        // A co-hosted silo may have registered the same credential already; either way both sides use one.
        services.TryAddSingleton(options.ClusterSecret is { Length: > 0 } secret
            ? new Grains.Security.ClusterCredential(secret) : Grains.Security.ClusterCredential.ProcessDefault);
        services.AddSingleton<RuntimeReadiness>();
        services.AddSingleton<Observability.GatewayMetrics>();
        services.AddSingleton<GatewayEndpoints>();
        services.AddSingleton<StateService>();
        services.AddSingleton<StatePolicies>();
        services.AddSingleton<InboundDelivery>();
        services.AddSingleton<SecretsService>();
        services.AddSingleton<Configuration.ConfigurationService>();
        services.AddSingleton<Configuration.ConfigurationDelivery>();
        services.AddHostedService<Configuration.ConfigurationSubscriptionKeeper>();
        services.AddSingleton<MetadataService>();
        services.AddHostedService<AppChannelProbe>();
        services.AddHostedService<ReadinessTracker>();

        services.AddSingleton<Middleware.HttpPipelines>();
        services.AddSingleton<Tracing.GatewayTracing>();
        services.AddSingleton<IAppChannel>(sp => sp.GetRequiredService<IOptions<GatewayOptions>>().Value.AppProtocol is "grpc" or "grpcs"
            ? ActivatorUtilities.CreateInstance<GrpcAppChannel>(sp)
            : Middleware.MiddlewareAppChannel.Wrap(ActivatorUtilities.CreateInstance<HttpAppChannel>(sp), sp.GetRequiredService<Middleware.HttpPipelines>().App));
        services.AddHostedService<AppHealthMonitor>();

        services.AddSingleton<LocalAppInstance>();
        services.AddSingleton<AppInstanceResolver>();
        services.AddHostedService<AppInstanceRegistration>();
        services.AddSingleton<ServiceInvoker>();
        services.AddSingleton<InvocationPolicies>();
        services.AddSingleton<InvocationHandler>();
        services.AddSingleton<ActorService>();
        services.AddSingleton<ActorCallPolicies>();
        services.AddSingleton<ActorAppDelivery>();
        services.AddHostedService<ActorHostConfigLoader>();
        services.AddHostedService<InProcessActorHost>();
        services.AddActorRuntimePubSub();
        Bindings.InputBindingsServiceCollectionExtensions.AddActorRuntimeInputBindings(services);
        services.AddActorRuntimeBindings();

        services.AddGrpc(o =>
        {
            o.Interceptors.Add<Observability.GrpcMetricsInterceptor>(); // outermost: sees the status the caller gets
            o.Interceptors.Add<DaprErrorInterceptor>();
            o.EnableDetailedErrors = false;
            o.MaxReceiveMessageSize = options.MaxRequestBodyMegabytes * 1024 * 1024;
        });
        return services;
    }

    private static void AddResources(IServiceCollection services, GatewayOptions options)
    {
        var documents = options.ResourcesPaths.Count > 0 ? ResourceLoader.LoadDocuments(options.ResourcesPaths) : [];
        services.AddSingleton(ResiliencyRegistry.Load(documents, options.AppId));
        services.AddSingleton(HttpEndpoints.Load(documents, options.AppId));
        var configuration = options.ConfigFile is { } file ? RuntimeConfigurationLoader.Load(file) : RuntimeConfiguration.Default;
        services.AddSingleton(configuration);
        services.AddSingleton(AccessControlPolicy.From(configuration.AccessControl));
    }
}
