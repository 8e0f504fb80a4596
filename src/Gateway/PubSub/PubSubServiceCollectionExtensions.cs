using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Gateway.PubSub;

public static class PubSubServiceCollectionExtensions
{
    /// <summary>Publishing, this app's subscriptions and delivery to the app.</summary>
    public static IServiceCollection AddActorRuntimePubSub(this IServiceCollection services)
    {
        services.AddSingleton<PubSubService>();
        services.AddSingleton<AppSubscriptions>();
        services.AddSingleton<GrpcTopicEvents>();
        services.AddSingleton<PubSubDelivery>();
        services.AddSingleton<PubSubBulkDelivery>();
        services.AddSingleton<StateOutbox>();
        services.AddHostedService<OutboxKicker>();
        services.AddSingleton<StreamingSubscription>();
        services.AddHostedService<SubscriptionManager>();
        return services;
    }
}
