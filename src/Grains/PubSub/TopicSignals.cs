using System.Collections.Concurrent;

namespace ActorRuntime.Grains.PubSub;

/// <summary>
/// "Something was published to this topic" within this process: the publisher grain raises it after the broker took
/// the event, and a subscription pump with nothing to read waits on it instead of sleeping out its poll interval.
/// Publishes made in other processes are not signalled; the pump's polling still finds them.
/// </summary>
public static class TopicSignals
{
    private static readonly ConcurrentDictionary<(string PubSub, string Topic), Signal> Signals = new();

    /// <summary>Completes at the next <see cref="Raise"/> for the topic; take it before reading, so no publish is missed.</summary>
    public static Task Next(string pubsubInstanceId, string topic) => Signals.GetOrAdd((pubsubInstanceId, topic), static _ => new Signal()).Next;

    public static void Raise(string pubsubInstanceId, string topic)
    {
        if (Signals.TryGetValue((pubsubInstanceId, topic), out var signal)) signal.Raise();
    }

    private sealed class Signal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Raise() =>
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
