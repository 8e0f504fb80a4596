using ActorRuntime.Components.Model;
using ActorRuntime.Components.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorRuntime.Components.Hosting;

/// <summary>
/// How component types are registered, as Orleans and ASP.NET Core register providers: one line per type, in the
/// services of the host that builds them. <see cref="ComponentTypes"/> collects the registrations.
/// </summary>
public static class ComponentTypeServiceCollectionExtensions
{
    /// <summary>Registers a component type of any building block; <typeparamref name="TContract"/> is the block's interface.</summary>
    public static IServiceCollection AddComponentType<TContract>(this IServiceCollection services, string type, Func<ComponentContext, TContract> create)
        where TContract : class, IComponent
    {
        ArgumentNullException.ThrowIfNull(create);
        services.AddSingleton(new ComponentTypeRegistration(type, typeof(TContract), c => create(c)));
        services.TryAddSingleton(sp => new ComponentTypes(sp.GetServices<ComponentTypeRegistration>()));
        return services;
    }

    /// <summary>Registers a state store type, e.g. <c>services.AddStateStore("state.redis", c => new RedisStateStore(c.Definition))</c>.</summary>
    public static IServiceCollection AddStateStore(this IServiceCollection services, string type, Func<ComponentContext, IStateStore> create) =>
        services.AddComponentType(type, create);

    /// <summary>The built-in types, once per service collection.</summary>
    public static IServiceCollection AddBuiltInComponentTypes(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(BuiltInComponents))) return services;
        services.AddSingleton<BuiltInComponents>();
        BuiltInComponents.Register(services);
        return services;
    }
}
