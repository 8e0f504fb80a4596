using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Gateway.Bindings;

public static class InputBindingsServiceCollectionExtensions
{
    /// <summary>This app's input bindings: which it takes, reading them (cron through its grain) and delivery to the app.</summary>
    public static IServiceCollection AddActorRuntimeInputBindings(this IServiceCollection services)
    {
        services.AddSingleton<AppInputBindings>();
        services.AddSingleton<GrpcBindingEvents>();
        services.AddSingleton<InputBindingDelivery>();
        services.AddHostedService<InputBindingManager>();
        return services;
    }
}
