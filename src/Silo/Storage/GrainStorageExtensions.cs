using ActorRuntime.Components.Model;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace ActorRuntime.Silo.Storage;

/// <summary>Grain storage registrations used by <c>AddActorRuntimeSilo</c>, usable on their own too.</summary>
public static class GrainStorageExtensions
{
    /// <summary>Orleans' name of the storage that <c>[PersistentState("x")]</c> without a storage name uses.</summary>
    public const string DefaultName = "Default";

    /// <summary>
    /// Registers a <see cref="StateStoreGrainStorage"/> named <paramref name="name"/> over the state store
    /// <paramref name="component"/> (built and connected through the process's component catalog).
    /// </summary>
    public static ISiloBuilder AddStateStoreGrainStorage(this ISiloBuilder builder, string name, ComponentDefinition? component, Action<StateStoreGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddComponentCatalogIfMissing();
        builder.Services.AddOptions<StateStoreGrainStorageOptions>(name).Configure(o =>
        {
            o.Component = component;
            configure?.Invoke(o);
        });
        builder.Services.AddGrainStorage(name, StateStoreGrainStorage.Create);
        return builder;
    }

    /// <summary><see cref="AddStateStoreGrainStorage"/> as the default grain storage.</summary>
    public static ISiloBuilder AddStateStoreGrainStorageAsDefault(this ISiloBuilder builder, ComponentDefinition? component, Action<StateStoreGrainStorageOptions>? configure = null) =>
        builder.AddStateStoreGrainStorage(DefaultName, component, configure);

    /// <summary>
    /// Orleans' ADO.NET grain storage on PostgreSQL with our schema (<c>Sql/PostgreSQL-Persistence.sql</c>, applied
    /// idempotently under the advisory lock). State is JSON (<see cref="JsonGrainStateSerializer"/>); clearing a state deletes its row.
    /// </summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        connectionString = Hosting.ClusterConnectionStrings.Postgres(connectionString);
        PostgresGrainStorageSchema.Apply(connectionString);
        return builder.AddAdoNetGrainStorage(name, (AdoNetGrainStorageOptions o) =>
        {
            o.Invariant = PostgresGrainStorageSchema.Invariant;
            o.ConnectionString = connectionString;
            o.DeleteStateOnClear = true;
            o.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
    }

    /// <summary>
    /// Orleans' Redis grain storage (StackExchange.Redis configuration string). State is JSON
    /// (<see cref="JsonGrainStateSerializer"/>); clearing a state deletes its key.
    /// </summary>
    public static ISiloBuilder AddRedisGrainStorageFromConfiguration(this ISiloBuilder builder, string name, string configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var parsed = Hosting.ClusterConnectionStrings.Redis(configuration);
        return builder.AddRedisGrainStorage(name, (Orleans.Persistence.RedisStorageOptions o) =>
        {
            o.ConfigurationOptions = parsed.Clone();
            o.DeleteStateOnClear = true;
            o.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
    }

    private static void AddComponentCatalogIfMissing(this IServiceCollection services) =>
        ActorRuntime.Components.Hosting.ComponentsServiceCollectionExtensions.AddComponentCatalog(services);
}
