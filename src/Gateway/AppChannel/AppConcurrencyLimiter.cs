namespace ActorRuntime.Gateway.AppChannel;

/// <summary><c>--app-max-concurrency</c>: at most N calls in the app at once; -1 (or 0) means no limit and costs nothing.</summary>
public sealed class AppConcurrencyLimiter(int maxConcurrency)
{
    private static readonly IDisposable Nothing = new Slot(null);
    private readonly SemaphoreSlim? _slots = maxConcurrency > 0 ? new SemaphoreSlim(maxConcurrency, maxConcurrency) : null;

    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots is null) return Nothing;
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    private sealed class Slot(SemaphoreSlim? slots) : IDisposable
    {
        private SemaphoreSlim? _slots = slots;
        public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release();
    }
}
