using System.Runtime.InteropServices;

namespace ActorRuntime.Cli.Apps;

/// <summary>
/// SIGINT and SIGTERM for <c>actorrt run</c>: the first asks for a graceful stop (<see cref="Token"/>), a second one
/// stops at once through <paramref name="force"/>, as a second Ctrl+C does for daprd.
/// </summary>
internal sealed class StopSignals(Action force) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _count;

    public CancellationToken Token => _stop.Token;

    /// <summary>Completes on the first signal.</summary>
    public Task Stopped => Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);

    public StopSignals Register()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        return this;
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // we stop by ourselves, with exit code 0
        if (Interlocked.Increment(ref _count) == 1) _stop.Cancel();
        else force();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
