using ActorRuntime.Components.PubSub.Subscriptions;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// This app's subscriptions: declarative ones from its resources, and the programmatic ones its
/// <c>GET /dapr/subscribe</c> returned. One subscription per pub/sub and topic, as in daprd (declarative first).
/// </summary>
public sealed class AppSubscriptions
{
    private volatile IReadOnlyDictionary<(string PubSub, string Topic), Subscription> _byTopic = new Dictionary<(string, string), Subscription>();

    public IReadOnlyCollection<Subscription> All => (IReadOnlyCollection<Subscription>)_byTopic.Values;

    public bool TryGet(string pubsub, string topic, out Subscription subscription) => _byTopic.TryGetValue((pubsub, topic), out subscription!);

    /// <summary>Replaces the set; returns the subscriptions left out because an earlier one had the same pub/sub and topic.</summary>
    public IReadOnlyList<Subscription> Set(IEnumerable<Subscription> subscriptions)
    {
        var map = new Dictionary<(string, string), Subscription>();
        var duplicates = new List<Subscription>();
        foreach (var s in subscriptions)
            if (!map.TryAdd((s.PubSubName, s.Topic), s)) duplicates.Add(s);
        _byTopic = map;
        return duplicates;
    }
}
