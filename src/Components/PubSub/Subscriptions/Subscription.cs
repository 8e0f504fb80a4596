namespace ActorRuntime.Components.PubSub.Subscriptions;

/// <summary>
/// One subscription of an app, whatever declared it (<c>GET /dapr/subscribe</c> or a <c>Subscription</c> resource):
/// which topic of which pub/sub, where each event goes (<see cref="Rules"/> in order, then <see cref="DefaultRoute"/>),
/// and what happens to events that fail.
/// </summary>
public sealed record Subscription(
    string PubSubName,
    string Topic,
    IReadOnlyList<RouteRule> Rules,
    string? DefaultRoute,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    SubscriptionKind Kind,
    IReadOnlyList<string> Scopes)
{
    /// <summary><c>metadata.rawPayload: "true"</c>: the broker holds bytes that are not a CloudEvent.</summary>
    public bool RawPayload => Metadata.TryGetValue("rawPayload", out var v) && bool.TryParse(v, out var b) && b;

    /// <summary><c>bulkSubscribe</c> with <c>enabled: true</c>: events go to the app in batches; null otherwise.</summary>
    public BulkSubscribeOptions? Bulk { get; init; }

    /// <summary>The path of the first rule whose match is true, else the default; null when neither applies.</summary>
    public string? RouteFor(System.Text.Json.JsonElement cloudEvent)
    {
        foreach (var rule in Rules)
            if (rule.Match.Evaluate(cloudEvent)) return rule.Path;
        return DefaultRoute;
    }
}

/// <summary>A routing rule: a CEL expression over the CloudEvent (<c>event.type</c>, <c>event.data.x</c>) and a path.</summary>
public sealed record RouteRule(string MatchText, CelExpression Match, string Path);

public enum SubscriptionKind
{
    Programmatic,
    Declarative,
}
