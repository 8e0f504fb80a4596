namespace ActorRuntime.Grains.State;

/// <summary>A stored value as a key grain returns it. Immutable: Orleans passes it without copying.</summary>
[GenerateSerializer, Immutable, Alias("actorrt.state.entry")]
public sealed record StateEntry(
    [property: Id(0)] byte[] Value,
    [property: Id(1)] string ETag,
    [property: Id(2)] DateTimeOffset? ExpiresAt,
    [property: Id(3)] string? ContentType);

[GenerateSerializer, Immutable, Alias("actorrt.state.write")]
public sealed record StateWriteCommand(
    [property: Id(0)] byte[] Value,
    [property: Id(1)] string? ETag,
    [property: Id(2)] bool FirstWrite,
    [property: Id(3)] TimeSpan? Ttl,
    [property: Id(4)] string? ContentType);

[GenerateSerializer, Immutable, Alias("actorrt.state.delete")]
public sealed record StateDeleteCommand(
    [property: Id(0)] string? ETag,
    [property: Id(1)] bool FirstWrite);

/// <summary>One transaction operation; <see cref="Write"/> null means delete.</summary>
[GenerateSerializer, Immutable, Alias("actorrt.state.txop")]
public sealed record StateTransactionOperation(
    [property: Id(0)] string StoredKey,
    [property: Id(1)] StateWriteCommand? Write,
    [property: Id(2)] StateDeleteCommand? Delete);

public enum StateOutcomeStatus { Ok, ETagMismatch, ETagInvalid, TooManyOperations, StoreError }

/// <summary>
/// Outcome of a conditional operation. Conflicts are results, not exceptions: 50 writers racing on one ETag
/// is a normal day, and exceptions across the grain boundary are slow and lose their type in a cluster.
/// </summary>
[GenerateSerializer, Immutable, Alias("actorrt.state.outcome")]
public sealed record StateOutcome(
    [property: Id(0)] StateOutcomeStatus Status,
    [property: Id(1)] string? ETag = null,
    [property: Id(2)] string? Message = null)
{
    public static readonly StateOutcome Deleted = new(StateOutcomeStatus.Ok);
}
