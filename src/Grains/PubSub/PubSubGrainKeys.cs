namespace ActorRuntime.Grains.PubSub;

/// <summary>Grain keys of the pub/sub grains. The topic goes last: it may contain any character, including the separator.</summary>
public static class PubSubGrainKeys
{
    private const string Separator = "||";

    public static string Subscription(string pubsubInstanceId, string group, string topic) =>
        string.Concat(pubsubInstanceId, Separator, group, Separator, topic);

    public static (string PubSubInstanceId, string Group, string Topic) SplitSubscription(string key)
    {
        var parts = key.Split(Separator, 3);
        return (parts[0], parts[1], parts[2]);
    }
}
