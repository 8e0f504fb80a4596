using Microsoft.Extensions.DependencyInjection.Extensions;
using System.ComponentModel.DataAnnotations;
using System.Net;
using ActorRuntime.Components.Hosting;
using ActorRuntime.Silo.Clustering;
using ActorRuntime.Silo.Reminders;
using ActorRuntime.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace ActorRuntime.Silo.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Makes this silo part of an ActorRuntime cluster: membership as <see cref="ActorRuntimeSiloOptions.Cluster"/> says,
    /// grain storage as <see cref="ActorRuntimeSiloOptions.Storage"/> says (default: the actor state store component,
    /// registered as the default grain storage and under the component's name), reminders as
    /// <see cref="ActorRuntimeSiloOptions.EffectiveReminders"/> says (machine-local cluster: a SQLite file beside the
    /// membership database), and the runtime's grains with the component catalog they need. Use it in <c>actorrt</c> or
    /// in your own host, beside your own grains.
    /// </summary>
    public static ISiloBuilder AddActorRuntimeSilo(this ISiloBuilder silo, Action<ActorRuntimeSiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = new ActorRuntimeSiloOptions();
        configure?.Invoke(options);
        if (options.Cluster == ClusterMode.Localhost && string.IsNullOrWhiteSpace(options.LocalMachineDatabase))
            options.LocalMachineDatabase = ActorRuntimeSiloOptions.DefaultLocalMachineDatabase();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        switch (options.Cluster)
        {
            case ClusterMode.InProcess:
                silo.UseLocalhostClustering(siloPort: FreePorts.Next(), gatewayPort: FreePorts.Next(), serviceId: options.ServiceId, clusterId: "actorrt-inproc");
                break;
            case ClusterMode.Localhost:
                silo.UseLocalMachineClustering(options.LocalMachineDatabase!, c => c.GatewayPort = options.LocalGatewayPort);
                break;
            case ClusterMode.PostgreSql:
                silo.UsePostgresClustering(options.ConnectionString!);
                ConfigureNetwork(silo, options);
                break;
            case ClusterMode.Redis:
                silo.UseRedisClustering(ClusterConnectionStrings.RedisConfiguration(options.ConnectionString!));
                ConfigureNetwork(silo, options);
                break;
        }
        silo.AddActivityPropagation(); // grain calls join the caller's trace (spans only when a tracer listens)
        if ((options.Mtls ?? SiloMtlsExtensions.FromHome(options)) is { } mtls) silo.UseActorRuntimeMtls(mtls);
        silo.Services.AddComponentCatalog();
        silo.Services.TryAddSingleton(TimeProvider.System);
        // Grains calling gateways' internal ports prove membership with the cluster credential (see ClusterCredential).
        silo.Services.TryAddSingleton(options.ClusterSecret is { Length: > 0 } secret
            ? new Grains.Security.ClusterCredential(secret) : Grains.Security.ClusterCredential.ProcessDefault);
        silo.Services.TryAddSingleton<Grains.Actors.ActorAppClient>(); // actor grains calling their hosting apps
        silo.Services.TryAddSingleton<Grains.PubSub.PubSubDeliveryClient>(); // subscription grains delivering events
        silo.Services.TryAddSingleton<Grains.Bindings.BindingDeliveryClient>(); // cron grains delivering ticks
        silo.Services.TryAddSingleton<Grains.State.StateKeyWatches>(); // routes store change feeds to active key grains
        silo.Services.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromSeconds(30));
        ConfigureGrainStorage(silo, options, ConfigureComponents(silo, options));
        ConfigureReminders(silo, options);
        return silo;
    }

    /// <summary>
    /// Grain storage: the chosen kind as the default storage ("Default"). With <see cref="GrainStorageKind.StateStore"/>
    /// the actor state store is also registered under its component name (e.g. <c>statestore</c>, so
    /// <c>[PersistentState("s", "statestore")]</c> resolves) and every other state store component under its own name.
    /// </summary>
    private static void ConfigureGrainStorage(ISiloBuilder silo, ActorRuntimeSiloOptions o, SiloComponents.Resolved components)
    {
        var resolved = o.Storage == GrainStorageKind.StateStore ? components : SiloComponents.Resolved.None;
        var actorStore = resolved.ActorStateStore;
        var names = new List<string> { GrainStorageExtensions.DefaultName };
        if (actorStore is not null) names.Add(actorStore.Name);
        switch (o.Storage)
        {
            case GrainStorageKind.StateStore:
                foreach (var name in names)
                    silo.AddStateStoreGrainStorage(name, actorStore, s =>
                    {
                        s.MissingComponentReason = resolved.Problem;
                        s.RequiredAtStart = resolved.Explicit;
                    });
                foreach (var other in resolved.StateStores.Where(d => !names.Contains(d.Name, StringComparer.Ordinal)))
                {
                    silo.AddStateStoreGrainStorage(other.Name, other, s => s.RequiredAtStart = false);
                    names.Add(other.Name);
                }
                break;
            case GrainStorageKind.PostgreSql:
                silo.AddPostgresGrainStorage(GrainStorageExtensions.DefaultName, o.EffectiveStorageConnectionString!);
                break;
            case GrainStorageKind.Redis:
                silo.AddRedisGrainStorageFromConfiguration(GrainStorageExtensions.DefaultName, o.EffectiveStorageConnectionString!);
                break;
            case GrainStorageKind.Memory:
                silo.AddMemoryGrainStorage(GrainStorageExtensions.DefaultName, (MemoryGrainStorageOptions m) => m.GrainStorageSerializer = new JsonGrainStateSerializer());
                break;
        }
    }

    /// <summary>The one loading path for a silo's components (<see cref="SiloComponents"/>), connected before the silo is active.</summary>
    private static SiloComponents.Resolved ConfigureComponents(ISiloBuilder silo, ActorRuntimeSiloOptions o)
    {
        silo.Services.AddComponentCatalog();
        var resolved = SiloComponents.Resolve(silo.Services, o, useDefaultFolder: o.Storage == GrainStorageKind.StateStore);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new SiloComponentConnector(
            sp.GetRequiredService<Components.ComponentCatalog>(), resolved, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SiloComponentConnector>>()));
        return resolved;
    }

    private static void ConfigureReminders(ISiloBuilder silo, ActorRuntimeSiloOptions o)
    {
        switch (o.EffectiveReminders)
        {
            case ReminderStorageKind.Localhost:
                silo.UseSqliteReminderService(o.EffectiveRemindersDatabase());
                break;
            case ReminderStorageKind.PostgreSql:
                silo.UsePostgresReminderService(o.EffectiveRemindersConnectionString!);
                break;
            case ReminderStorageKind.Redis:
                var configuration = ClusterConnectionStrings.Redis(o.EffectiveRemindersConnectionString!);
                silo.UseRedisReminderService(r => r.ConfigurationOptions = configuration.Clone());
                break;
            case ReminderStorageKind.Memory:
                silo.UseInMemoryReminderService();
                break;
        }
        silo.Configure<ReminderOptions>(r => r.MinimumReminderPeriod = o.MinimumReminderPeriod);
    }

    private static void ConfigureNetwork(ISiloBuilder silo, ActorRuntimeSiloOptions o)
    {
        silo.Configure<ClusterOptions>(c =>
        {
            c.ClusterId = o.ClusterId;
            c.ServiceId = o.ServiceId;
        });
        // Failover speed: a dead silo is suspected after NumMissedProbesLimit probes of ProbeTimeout each and declared
        // dead once NumVotesForDeathDeclaration silos agree, so its grains move within a few seconds, not Orleans' ~30 s.
        silo.Configure<ClusterMembershipOptions>(m =>
        {
            m.ProbeTimeout = o.ProbeTimeout;
            m.NumMissedProbesLimit = 3;
            m.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            m.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        });
        var siloPort = o.SiloPort == 0 ? FreePorts.Next() : o.SiloPort;
        var gatewayPort = o.GatewayPort == 0 ? FreePorts.Next() : o.GatewayPort;
        silo.ConfigureEndpoints(IPAddress.Parse(o.AdvertisedAddress), siloPort, gatewayPort);
    }
}
