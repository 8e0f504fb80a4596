using ActorRuntime.Components.PubSub.Subscriptions;
using ActorRuntime.Gateway.PubSub;

namespace ActorRuntime.Gateway.Metadata;

/// <summary>The app's subscriptions as the metadata API lists them: declarative and programmatic ones, then open streams.</summary>
internal static class SubscriptionsMetadata
{
    public static IReadOnlyList<SubscriptionInfo> From(AppSubscriptions? app, StreamingSubscription? streams)
    {
        var list = new List<SubscriptionInfo>();
        foreach (var s in app?.All ?? [])
        {
            var rules = s.Rules.Select(r => new SubscriptionRuleInfo(r.MatchText, r.Path)).ToList();
            if (s.DefaultRoute is { } route) rules.Add(new SubscriptionRuleInfo(null, route));
            list.Add(new SubscriptionInfo(s.PubSubName, s.Topic, s.DeadLetterTopic ?? "", s.Metadata.Count > 0 ? s.Metadata : null,
                rules.Count > 0 ? rules : null, s.Kind == SubscriptionKind.Declarative ? "DECLARATIVE" : "PROGRAMMATIC"));
        }
        foreach (var s in streams?.Open ?? [])
            list.Add(new SubscriptionInfo(s.PubsubName, s.Topic, s.HasDeadLetterTopic ? s.DeadLetterTopic : "",
                s.Metadata.Count > 0 ? new Dictionary<string, string>(s.Metadata) : null, null, "STREAMING"));
        return list;
    }
}
