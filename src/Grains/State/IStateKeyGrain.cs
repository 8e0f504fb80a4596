using Orleans.Concurrency;

namespace ActorRuntime.Grains.State;

/// <summary>
/// One activation per stored key, keyed <c>{store}||{storedKey}</c>. It orders every write to its key,
/// makes each durable before answering, and serves reads from memory.
/// </summary>
[Alias("actorrt.IStateKeyGrain")]
public interface IStateKeyGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    ValueTask<StateEntry?> Get(CancellationToken cancellationToken = default);

    [Alias("set")]
    ValueTask<StateOutcome> Set(StateWriteCommand write, CancellationToken cancellationToken = default);

    [Alias("delete")]
    ValueTask<StateOutcome> Delete(StateDeleteCommand delete, CancellationToken cancellationToken = default);

    /// <summary>Drops the cached value; the next read goes to the store. Sent after a transaction touched the key.</summary>
    [AlwaysInterleave, Alias("invalidate")]
    ValueTask Invalidate();
}
