using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Grains.Tests;

/// <summary>Dapr's per-actor turn lock, without a grain: one turn at a time, reentrant chains, the stack depth limit.</summary>
public sealed class ActorTurnLockTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_second_turn_waits_until_the_first_ends()
    {
        var turnLock = new ActorTurnLock();
        var first = await turnLock.EnterAsync(chain: null, maxDepth: 32);
        Assert.True(turnLock.IsHeld);

        var second = turnLock.EnterAsync(chain: null, maxDepth: 32).AsTask();
        Assert.False(second.IsCompleted);

        first!.Dispose();
        using var entered = await second.WaitAsync(Deadline);
        Assert.NotNull(entered);
        Assert.True(turnLock.IsHeld);
    }

    [Fact]
    public async Task The_chain_that_holds_the_lock_reenters_and_another_chain_waits()
    {
        var turnLock = new ActorTurnLock();
        using var outer = await turnLock.EnterAsync("chain-a", maxDepth: 32);
        using var inner = await turnLock.EnterAsync("chain-a", maxDepth: 32).AsTask().WaitAsync(Deadline);
        Assert.NotNull(inner);

        var other = turnLock.EnterAsync("chain-b", maxDepth: 32).AsTask();
        Assert.False(other.IsCompleted);
        inner!.Dispose();
        Assert.False(other.IsCompleted); // the nested exit keeps the outer turn
        outer!.Dispose();
        using var entered = await other.WaitAsync(Deadline);
        Assert.NotNull(entered);
    }

    [Fact]
    public async Task A_chain_deeper_than_the_limit_is_refused_and_the_lock_stays_usable()
    {
        var turnLock = new ActorTurnLock();
        var turns = new List<IDisposable>();
        for (var depth = 1; depth <= 3; depth++)
            turns.Add((await turnLock.EnterAsync("deep", maxDepth: 3))!);
        Assert.Null(await turnLock.EnterAsync("deep", maxDepth: 3));

        foreach (var t in Enumerable.Reverse(turns)) t.Dispose();
        Assert.False(turnLock.IsHeld);
        using var next = await turnLock.EnterAsync(null, maxDepth: 3).AsTask().WaitAsync(Deadline);
        Assert.NotNull(next);
    }

    [Fact]
    public async Task Disposing_a_turn_twice_releases_once()
    {
        var turnLock = new ActorTurnLock();
        var turn = await turnLock.EnterAsync(null, 32);
        turn!.Dispose();
        turn.Dispose();
        using var a = await turnLock.EnterAsync(null, 32);
        var b = turnLock.EnterAsync(null, 32).AsTask();
        Assert.False(b.IsCompleted); // a double release would have let b in beside a
        a!.Dispose();
        (await b.WaitAsync(Deadline))!.Dispose();
    }
}
