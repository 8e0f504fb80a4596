namespace ActorRuntime.Grains.Configuration;

/// <summary>
/// The configuration subscriptions an app made over HTTP (changes POSTed to <c>/configuration/{store}/{key}</c>), one
/// grain per app id (key from <see cref="Directory.AppDirectoryKeys.ForApp"/>). Each subscription is held by one live
/// gateway of the app, which feeds it from the store; when that gateway dies (its directory lease runs out), the next
/// gateway of the app to <see cref="Claim"/> takes it over under the same id, so the app keeps getting changes.
/// </summary>
[Alias("actorrt.IConfigurationSubscriptionsGrain")]
public interface IConfigurationSubscriptionsGrain : IGrainWithStringKey
{
    /// <summary>Records a subscription held by <see cref="ConfigurationSubscription.Holder"/>; stored before the app gets its id.</summary>
    [Alias("add")]
    Task Add(ConfigurationSubscription subscription);

    /// <summary>Forgets the subscription; false when there is none with this id.</summary>
    [Alias("remove")]
    Task<bool> Remove(string id);

    /// <summary>
    /// The subscriptions <paramref name="instanceId"/> holds, after giving it those whose holder is no longer a live
    /// instance of the app. Gateways call this every few seconds.
    /// </summary>
    [Alias("claim")]
    Task<ConfigurationSubscription[]> Claim(string instanceId);
}

/// <summary>One subscription as the app asked for it (store, keys, metadata) and the gateway instance feeding it.</summary>
[GenerateSerializer, Immutable, Alias("actorrt.configuration.subscription")]
public sealed record ConfigurationSubscription(
    [property: Id(0)] string Id,
    [property: Id(1)] string Store,
    [property: Id(2)] IReadOnlyList<string> Keys,
    [property: Id(3)] IReadOnlyDictionary<string, string> Metadata,
    [property: Id(4)] string Holder,
    [property: Id(5)] DateTime HeldSince = default);
