namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// Runs a clean-up (deleting expired rows) every <c>interval</c> until disposed. Reads already hide expired entries,
/// so the sweep only reclaims space: a failed run is simply retried on the next tick instead of being reported.
/// </summary>
internal sealed class PeriodicSweep : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PeriodicSweep(TimeSpan interval, Func<CancellationToken, Task> sweep)
    {
        _loop = Task.Run(() => RunAsync(interval, sweep, _stop.Token));
    }

    private static async Task RunAsync(TimeSpan interval, Func<CancellationToken, Task> sweep, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await sweep(stop).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Transient backend trouble (or shutdown); the loop condition decides whether to go on.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
