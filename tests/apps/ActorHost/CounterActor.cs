using System.Collections.Concurrent;
using Dapr.Actors.Runtime;

namespace ActorTestApps;

[Actor(TypeName = ActorTypes.Counter)]
public sealed class CounterActor(ActorHost host) : TracedActor(host), ICounterActor
{
    public const string CountKey = "count";

    // Static, so they outlive activations: per actor id "a call is running", overlaps seen per id,
    // and the process-wide number of SlowCall executions running right now (and its maximum).
    private static readonly ConcurrentDictionary<string, int> InCall = new();
    private static readonly ConcurrentDictionary<string, int> Overlaps = new();
    private static int _running;
    private static int _maxRunning;

    public async Task<int> Increment()
    {
        var value = await StateManager.GetOrDefaultAsync<int>(CountKey) + 1;
        await StateManager.SetStateAsync(CountKey, value);
        await StateManager.SaveStateAsync(); // persisted before the call returns (the failover test relies on it)
        return value;
    }

    public Task<int> Get() => StateManager.GetOrDefaultAsync<int>(CountKey);

    public async Task<int> SlowCall(int ms)
    {
        var id = Id.GetId();
        if (InCall.AddOrUpdate(id, 1, (_, n) => n + 1) > 1) Overlaps.AddOrUpdate(id, 1, (_, n) => n + 1);
        var running = Interlocked.Increment(ref _running);
        int seen;
        while (running > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, seen) != seen)
        {
        }
        try
        {
            await Task.Delay(ms);
            return ms;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            InCall.AddOrUpdate(id, 0, (_, n) => n - 1);
        }
    }

    public Task<int> GetOverlaps() => Task.FromResult(Overlaps.GetValueOrDefault(Id.GetId()));

    public Task<int> GetMaxConcurrency() => Task.FromResult(Volatile.Read(ref _maxRunning));

    public Task Fail(string message) => throw new InvalidOperationException(message);
}
