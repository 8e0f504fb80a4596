using Orleans.Concurrency;

namespace ActorRuntime.Grains.State;

/// <summary>
/// One activation per stored key, keyed <c>{store}||{storedKey}</c>. It orders every write to its key,
/// makes each durable before answering, and serves reads from memory while the store reports no outside change.
/// </summary>
[Alias("actorrt.IStateKeyGrain")]
public interface IStateKeyGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    ValueTask<StateEntry?> Get(CancellationToken cancellationToken = default);

    /// <summary>Reads the store, never memory (Dapr's <c>consistency=strong</c>); ordered with this key's writes.</summary>
    [ReadOnly, Alias("getstrong")]
    ValueTask<StateEntry?> GetStrong(CancellationToken cancellationToken = default);

    [Alias("set")]
    ValueTask<StateOutcome> Set(StateWriteCommand write, CancellationToken cancellationToken = default);

    [Alias("delete")]
    ValueTask<StateOutcome> Delete(StateDeleteCommand delete, CancellationToken cancellationToken = default);

    /// <summary>Drops the cached value; the next read goes to the store. Sent after a transaction touched the key.</summary>
    [AlwaysInterleave, Alias("invalidate")]
    ValueTask Invalidate();
}
