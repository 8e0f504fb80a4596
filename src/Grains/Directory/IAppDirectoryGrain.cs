namespace ActorRuntime.Grains.Directory;

/// <summary>
/// The live instances behind one name: an app id (key from <see cref="AppDirectoryKeys.ForApp"/>) or an actor type
/// (<see cref="AppDirectoryKeys.ForActorType"/>). Gateways renew their entry every few seconds; an entry not renewed
/// within the lease is gone, so a dead gateway drops out without anyone telling the directory.
/// </summary>
[Alias("actorrt.IAppDirectoryGrain")]
public interface IAppDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Adds or renews <paramref name="instance"/> for one lease.</summary>
    [Alias("renew")]
    Task Renew(AppInstance instance, TimeSpan lease);

    [Alias("remove")]
    Task Remove(string instanceId);

    /// <summary>The instances whose lease has not run out, ordered by instance id.</summary>
    [Alias("live")]
    Task<AppInstance[]> GetLive();
}
