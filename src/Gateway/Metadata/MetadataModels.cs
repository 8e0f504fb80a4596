using System.Text.Json.Serialization;

namespace ActorRuntime.Gateway.Metadata;

/// <summary>The body of <c>GET /v1.0/metadata</c>, with Dapr's field names.</summary>
public sealed record MetadataResponse(
    string Id,
    string RuntimeVersion,
    IReadOnlyList<string> EnabledFeatures,
    IReadOnlyList<ActorTypeCount> Actors,
    IReadOnlyList<RegisteredComponent> Components,
    IReadOnlyDictionary<string, string> Extended,
    IReadOnlyList<SubscriptionInfo> Subscriptions,
    IReadOnlyList<object> HttpEndpoints,
    AppConnection? AppConnectionProperties,
    ActorRuntimeStatus ActorRuntime);

/// <summary>One subscription of the app; Dapr names the pub/sub field in lower case and lists the default route as a rule without a match.</summary>
public sealed record SubscriptionInfo(
    [property: JsonPropertyName("pubsubname")] string PubsubName,
    string Topic,
    string DeadLetterTopic,
    IReadOnlyDictionary<string, string>? Metadata,
    IReadOnlyList<SubscriptionRuleInfo>? Rules,
    string Type);

public sealed record SubscriptionRuleInfo(string? Match, string Path);

public sealed record ActorTypeCount(string Type, int Count);

public sealed record RegisteredComponent(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);

public sealed record AppConnection(int Port, string Protocol, string ChannelAddress, int? MaxConcurrency);

public sealed record ActorRuntimeStatus(string RuntimeStatus, IReadOnlyList<ActorTypeCount> ActiveActors, bool HostReady, string Placement);
