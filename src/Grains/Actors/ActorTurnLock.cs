namespace ActorRuntime.Grains.Actors;

/// <summary>
/// Dapr's per-actor lock: one method, timer or reminder callback at a time, held for the whole async turn. With
/// reentrancy on, a call carrying the reentrancy id of the chain that holds the lock goes straight in, up to the
/// maximum stack depth. Used only on the grain's own scheduler, so its fields need no other synchronisation.
/// </summary>
internal sealed class ActorTurnLock
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private string? _chain;
    private int _depth;

    public bool IsHeld => _turn.CurrentCount == 0;

    /// <summary>Enters a turn; returns null when the chain is already <paramref name="maxDepth"/> calls deep.</summary>
    public async ValueTask<Turn?> EnterAsync(string? chain, int maxDepth)
    {
        if (chain is not null && chain == _chain)
        {
            if (_depth >= maxDepth) return null;
            _depth++;
            return new Turn(this, nested: true);
        }
        await _turn.WaitAsync();
        _chain = chain;
        _depth = 1;
        return new Turn(this, nested: false);
    }

    private void Exit(bool nested)
    {
        if (nested)
        {
            _depth--;
            return;
        }
        _chain = null;
        _depth = 0;
        _turn.Release();
    }

    public sealed class Turn(ActorTurnLock owner, bool nested) : IDisposable
    {
        private ActorTurnLock? _owner = owner;
        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Exit(nested);
    }
}
