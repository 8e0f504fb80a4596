using System.Text.Json;

namespace ActorRuntime.Components.State.Query;

/// <summary>One row of a Query API answer; <see cref="Key"/> is the app's key (prefix stripped).</summary>
public sealed record StateQueryItem(string Key, byte[] Data, string ETag);

public sealed record StateQueryResult(IReadOnlyList<StateQueryItem> Results, string? Token);

/// <summary>The query document is not valid (unknown operator, bad page token, ...): Dapr answers 400.</summary>
public sealed class InvalidStateQueryException(string message) : Exception(message);
