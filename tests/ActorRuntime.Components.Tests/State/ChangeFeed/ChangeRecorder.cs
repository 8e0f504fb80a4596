using System.Collections.Concurrent;
using ActorRuntime.Components.State;

namespace ActorRuntime.Components.Tests.State.ChangeFeed;

/// <summary>Collects what a feed reports and waits, with a deadline, for a change to arrive.</summary>
internal sealed class ChangeRecorder : IDisposable
{
    private readonly ConcurrentQueue<StateChange> _seen = new();
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _arrived = new(0);

    public ChangeRecorder(IStateChangeFeed feed) => _subscription = feed.Subscribe(c =>
    {
        _seen.Enqueue(c);
        _arrived.Release();
    });

    public IReadOnlyList<StateChange> Seen => [.. _seen];

    /// <summary>Waits until a change matching <paramref name="match"/> has been reported; returns it, or fails at the deadline.</summary>
    /// <param name="since">Only changes reported after the first <paramref name="since"/> ones count.</param>
    public async Task<StateChange> WaitForAsync(Func<StateChange, bool> match, TimeSpan timeout, string what, int since = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var c in _seen.Skip(since)) if (match(c)) return c;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new Xunit.Sdk.XunitException($"no change reported for {what} within {timeout.TotalSeconds} s; seen: {string.Join(", ", _seen)}");
            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public static async Task WaitUntilWatchingAsync(IStateChangeFeed feed, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!feed.IsWatching)
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"the feed never started watching: {feed.NotWatchingReason}");
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _arrived.Dispose();
    }
}
