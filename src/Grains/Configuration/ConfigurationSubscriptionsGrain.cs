using ActorRuntime.Grains.Directory;

namespace ActorRuntime.Grains.Configuration;

/// <summary>Stored in the grain storage named <c>Default</c>, so subscriptions outlive every process, this grain's silo included.</summary>
public sealed class ConfigurationSubscriptionsGrain(
    [PersistentState("configsubscriptions", "Default")] IPersistentState<ConfigurationSubscriptionBook> book) : Grain, IConfigurationSubscriptionsGrain
{
    /// <summary>
    /// A holder keeps a subscription this long even before the directory lists it: a gateway may take a subscription
    /// from its app before its first directory lease (the app subscribes while it starts), and must not lose it then.
    /// Longer than a directory lease.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public async Task Add(ConfigurationSubscription subscription)
    {
        book.State.Subscriptions[subscription.Id] = subscription with { HeldSince = DateTime.UtcNow };
        await book.WriteStateAsync();
    }

    public async Task<bool> Remove(string id)
    {
        if (!book.State.Subscriptions.Remove(id)) return false;
        await book.WriteStateAsync();
        return true;
    }

    public async Task<ConfigurationSubscription[]> Claim(string instanceId)
    {
        if (book.State.Subscriptions.Count == 0) return [];
        var orphans = book.State.Subscriptions.Values.Where(s => s.Holder != instanceId).ToList();
        if (orphans.Count > 0)
        {
            // The grain key is the app's directory key: the same grain lists the app's live gateways.
            var live = (await GrainFactory.GetGrain<IAppDirectoryGrain>(this.GetPrimaryKeyString()).GetLive())
                .Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
            var now = DateTime.UtcNow;
            var taken = orphans.Where(s => !live.Contains(s.Holder) && now - s.HeldSince > Grace).ToList();
            if (taken.Count > 0)
            {
                foreach (var s in taken) book.State.Subscriptions[s.Id] = s with { Holder = instanceId, HeldSince = now };
                await book.WriteStateAsync();
            }
        }
        return [.. book.State.Subscriptions.Values.Where(s => s.Holder == instanceId)];
    }
}

[GenerateSerializer, Alias("actorrt.configuration.subscriptionbook")]
public sealed class ConfigurationSubscriptionBook
{
    [Id(0)] public Dictionary<string, ConfigurationSubscription> Subscriptions { get; set; } = new(StringComparer.Ordinal);
}
