using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.Cron;
using ActorRuntime.Components.Bindings.Mqtt;
using ActorRuntime.Components.Bindings.Http;
using ActorRuntime.Components.Bindings.LocalStorage;
using ActorRuntime.Components.Bindings.PostgreSql;
using ActorRuntime.Components.Bindings.Redis;
using ActorRuntime.Components.ConfigurationStores;
using ActorRuntime.Components.Middleware;
using ActorRuntime.Components.Middleware.Bearer;
using ActorRuntime.Components.Middleware.OAuth2ClientCredentials;
using ActorRuntime.Components.Middleware.RateLimit;
using ActorRuntime.Components.Middleware.RouterAlias;
using ActorRuntime.Components.Middleware.RouterChecker;
using ActorRuntime.Components.Middleware.Uppercase;
using ActorRuntime.Components.Secrets;
using ActorRuntime.Components.Secrets.Stores;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Components.PubSub.Brokers;
using ActorRuntime.Components.State.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace ActorRuntime.Components.Hosting;

/// <summary>
/// The component types every ActorRuntime process can build: one line per type. A new type lives in its building
/// block's folder (e.g. <c>State/Stores</c>) and is added here; nothing else changes.
/// </summary>
public sealed class BuiltInComponents
{
    internal static void Register(IServiceCollection services)
    {
        services.AddStateStore("state.in-memory", c => new InMemoryStateStore(c.Definition));
        services.AddStateStore("state.sqlite", c => new SqliteStateStore(c.Definition));
        services.AddStateStore("state.redis", c => new RedisStateStore(c.Definition));
        services.AddStateStore("state.postgresql", c => new PostgresStateStore(c.Definition));
        services.AddComponentType<ISecretStore>("secretstores.local.file", c => new LocalFileSecretStore(c.Definition));
        services.AddComponentType<ISecretStore>("secretstores.local.env", c => new LocalEnvSecretStore(c.Definition));
        services.AddComponentType<ISecretStore>("secretstores.azure.keyvault", c => new AzureKeyVaultSecretStore(c.Definition));
        services.AddComponentType<IConfigurationStore>("configuration.redis", c => new RedisConfigurationStore(c.Definition));
        services.AddComponentType<IConfigurationStore>("configuration.postgresql", c => new PostgresConfigurationStore(c.Definition));
        services.AddComponentType<IPubSub>("pubsub.in-memory", c => new InMemoryPubSub(c.Definition));
        services.AddComponentType<IPubSub>("pubsub.redis", c => new RedisPubSub(c.Definition));
        services.AddComponentType<IPubSub>("pubsub.sqlite", c => new SqlitePubSub(c.Definition));
        services.AddComponentType<IPubSub>("pubsub.rabbitmq", c => new RabbitMqPubSub(c.Definition));
        services.AddComponentType<IBinding>(CronBinding.TypeName, c => new CronBinding(c.Definition));
        services.AddComponentType<IBinding>(MqttBinding.TypeName, c => new MqttBinding(c.Definition));
        services.AddComponentType<IBinding>("bindings.redis", c => new RedisBinding(c.Definition));
        services.AddComponentType<IBinding>("bindings.postgresql", c => new PostgresBinding(c.Definition));
        services.AddComponentType<IBinding>("bindings.postgres", c => new PostgresBinding(c.Definition));
        services.AddComponentType<IBinding>("bindings.http", c => new HttpBinding(c.Definition));
        services.AddComponentType<IBinding>("bindings.localstorage", c => new LocalStorageBinding(c.Definition));
        services.AddComponentType<IHttpMiddleware>("middleware.http.bearer", c => new BearerMiddleware(c.Definition));
        services.AddComponentType<IHttpMiddleware>("middleware.http.ratelimit", c => new RateLimitMiddleware(c.Definition));
        services.AddComponentType<IHttpMiddleware>("middleware.http.routerchecker", c => new RouterCheckerMiddleware(c.Definition));
        services.AddComponentType<IHttpMiddleware>("middleware.http.routeralias", c => new RouterAliasMiddleware(c.Definition));
        services.AddComponentType<IHttpMiddleware>("middleware.http.uppercase", c => new UppercaseMiddleware(c.Definition));
        services.AddComponentType<IHttpMiddleware>("middleware.http.oauth2clientcredentials", c => new OAuth2ClientCredentialsMiddleware(c.Definition));
    }
}
