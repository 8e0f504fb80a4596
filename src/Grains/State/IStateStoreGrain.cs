using Orleans.Concurrency;

namespace ActorRuntime.Grains.State;

/// <summary>
/// Store-wide operations (transactions, queries), keyed by store name. A stateless worker: any silo runs them locally,
/// since they are ordered by the store itself, not by an activation.
/// </summary>
[Alias("actorrt.IStateStoreGrain")]
public interface IStateStoreGrain : IGrainWithStringKey
{
    [Alias("transact")]
    ValueTask<StateOutcome> ExecuteTransaction(IReadOnlyList<StateTransactionOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Runs a Dapr Query API document (JSON) over keys starting with <paramref name="keyPrefix"/>.</summary>
    [Alias("query")]
    ValueTask<StateQueryAnswer> Query(string keyPrefix, string queryJson, CancellationToken cancellationToken = default);
}

[GenerateSerializer, Immutable, Alias("actorrt.state.queryitem")]
public sealed record StateQueryRow([property: Id(0)] string Key, [property: Id(1)] byte[] Data, [property: Id(2)] string ETag);

[GenerateSerializer, Immutable, Alias("actorrt.state.queryanswer")]
public sealed record StateQueryAnswer(
    [property: Id(0)] IReadOnlyList<StateQueryRow> Results,
    [property: Id(1)] string? Token,
    [property: Id(2)] string? Error = null,
    [property: Id(3)] bool InvalidQuery = false);
