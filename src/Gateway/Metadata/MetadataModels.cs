namespace ActorRuntime.Gateway.Metadata;

/// <summary>The body of <c>GET /v1.0/metadata</c>, with Dapr's field names.</summary>
public sealed record MetadataResponse(
    string Id,
    string RuntimeVersion,
    IReadOnlyList<string> EnabledFeatures,
    IReadOnlyList<ActorTypeCount> Actors,
    IReadOnlyList<RegisteredComponent> Components,
    IReadOnlyDictionary<string, string> Extended,
    IReadOnlyList<object> Subscriptions,
    IReadOnlyList<object> HttpEndpoints,
    AppConnection? AppConnectionProperties,
    ActorRuntimeStatus ActorRuntime);

public sealed record ActorTypeCount(string Type, int Count);

public sealed record RegisteredComponent(string Name, string Type, string Version, IReadOnlyList<string> Capabilities);

public sealed record AppConnection(int Port, string Protocol, string ChannelAddress, int? MaxConcurrency);

public sealed record ActorRuntimeStatus(string RuntimeStatus, IReadOnlyList<ActorTypeCount> ActiveActors, bool HostReady, string Placement);
