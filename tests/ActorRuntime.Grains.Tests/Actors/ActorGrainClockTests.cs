using ActorRuntime.Grains.Actors;

namespace ActorRuntime.Grains.Tests.Actors;

/// <summary>
/// <see cref="ActorGrain"/> on a manual clock: idle deactivation (and the app's deactivate call), what resets the idle
/// clock, turns and reentrancy, and the call timeout. Real time is spent only waiting for Orleans to run what the
/// clock made due.
/// </summary>
public sealed class ActorGrainClockTests(ActorClockFixture fixture) : IClassFixture<ActorClockFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    /// <summary>
    /// How long a test looks for something that must NOT happen (a deactivation, a second turn) after the clock made it
    /// possible; an Orleans timer tick or a queued call runs in far less on an idle machine.
    /// </summary>
    private static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(500);
    private static readonly ActorTypeConfig Idle10s = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), false, 32, TimeSpan.FromSeconds(60));

    private static ActorCall Call(string method, string? chain = null) =>
        new(method, "{}"u8.ToArray(), "application/json", chain is null ? [] : [new(ActorGrain.ReentrancyHeader, chain)]);

    private IActorGrain Actor(string type, string id) => fixture.Grains.GetGrain<IActorGrain>(ActorGrainKeys.For(type, id));

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task An_idle_actor_is_deactivated_after_its_idle_timeout_and_the_app_is_told()
    {
        var app = new FakeActorApp();
        var type = await fixture.HostAsync(app, Idle10s);
        Assert.Equal(200, (await Actor(type, "a").Invoke(Call("m"))).Status);

        fixture.Clock.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(QuietWindow); // must NOT deactivate: 9 s idle of 10
        Assert.Equal(0, app.Count(HttpMethod.Delete, "a"));

        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await WaitForAsync(() => app.Count(HttpMethod.Delete, "a") == 1, "the app's deactivate call");
        Assert.Equal("", app.Calls.Last().Path); // DELETE /actors/{type}/{id}
    }

    [Fact]
    public async Task A_call_resets_the_idle_clock()
    {
        var app = new FakeActorApp();
        var type = await fixture.HostAsync(app, Idle10s);
        await Actor(type, "b").Invoke(Call("m"));
        fixture.Clock.Advance(TimeSpan.FromSeconds(8));
        await Actor(type, "b").Invoke(Call("m"));

        fixture.Clock.Advance(TimeSpan.FromSeconds(8)); // 16 s since the first call, 8 since the last
        await Task.Delay(QuietWindow); // must NOT deactivate
        Assert.Equal(0, app.Count(HttpMethod.Delete, "b"));

        fixture.Clock.Advance(TimeSpan.FromSeconds(3));
        await WaitForAsync(() => app.Count(HttpMethod.Delete, "b") == 1, "the deactivation 11 s after the last call");
    }

    [Fact]
    public async Task An_actor_in_the_middle_of_a_turn_is_not_deactivated()
    {
        var app = new FakeActorApp();
        var type = await fixture.HostAsync(app, Idle10s);
        app.Hold("/method/slow");
        var slow = Actor(type, "c").Invoke(Call("slow"));
        await app.Arrived("/method/slow").WaitAsync(Deadline);

        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Delay(QuietWindow); // must NOT deactivate while the call is in the app
        Assert.Equal(0, app.Count(HttpMethod.Delete, "c"));

        app.Release("/method/slow");
        Assert.Equal(200, (await slow.WaitAsync(Deadline)).Status);
        // The scans during the turn skipped the actor rather than marking it: it must NOT go the moment the turn ends.
        await Task.Delay(QuietWindow);
        Assert.Equal(0, app.Count(HttpMethod.Delete, "c"));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1)); // next scan: idle since the call began
        await WaitForAsync(() => app.Count(HttpMethod.Delete, "c") == 1, "the deactivation once the turn ended");
    }

    [Fact]
    public async Task Without_reentrancy_a_second_call_waits_for_the_first_turn()
    {
        var app = new FakeActorApp();
        var type = await fixture.HostAsync(app, Idle10s);
        app.Hold("/method/first");
        var first = Actor(type, "d").Invoke(Call("first"));
        await app.Arrived("/method/first").WaitAsync(Deadline);

        var second = Actor(type, "d").Invoke(Call("second", chain: "whatever"));
        await Task.Delay(QuietWindow); // the second call must NOT reach the app during the first turn
        Assert.False(app.Arrived("/method/second").IsCompleted);
        Assert.Null(app.Calls.Single().Chain); // no reentrancy id is sent when reentrancy is off

        app.Release("/method/first");
        await first.WaitAsync(Deadline);
        Assert.Equal(200, (await second.WaitAsync(Deadline)).Status);
    }

    [Fact]
    public async Task With_reentrancy_the_same_chain_enters_up_to_the_stack_depth()
    {
        var app = new FakeActorApp();
        var type = await fixture.HostAsync(app, Idle10s with { Reentrant = true, MaxStackDepth = 2 });
        app.Hold("/method/outer");
        var outer = Actor(type, "e").Invoke(Call("outer"));
        await app.Arrived("/method/outer").WaitAsync(Deadline);
        var chain = app.Calls.Single().Chain;
        Assert.False(string.IsNullOrEmpty(chain)); // the grain starts a chain and hands it to the app

        app.Hold("/method/inner");
        var inner = Actor(type, "e").Invoke(Call("inner", chain));
        await app.Arrived("/method/inner").WaitAsync(Deadline); // entered while the outer turn holds the lock

        var tooDeep = await Actor(type, "e").Invoke(Call("deeper", chain)).WaitAsync(Deadline);
        Assert.Equal("ERR_ACTOR_STACK_DEPTH", tooDeep.Failure?.ErrorCode);

        var otherChain = Actor(type, "e").Invoke(Call("other", "another-chain"));
        await Task.Delay(QuietWindow); // another chain must NOT enter
        Assert.False(app.Arrived("/method/other").IsCompleted);

        app.Release("/method/inner");
        app.Release("/method/outer");
        await Task.WhenAll(outer, inner).WaitAsync(Deadline);
        Assert.Equal(200, (await otherChain.WaitAsync(Deadline)).Status);
    }

    [Fact]
    public async Task A_call_the_app_does_not_answer_is_cut_after_the_callback_timeout()
    {
        var app = new FakeActorApp();
        var type = await fixture.HostAsync(app, Idle10s);
        app.Hold("/method/hang");
        var call = Actor(type, "f").Invoke(Call("hang"));
        await app.Arrived("/method/hang").WaitAsync(Deadline);

        fixture.Clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(QuietWindow); // must NOT be cut before 60 s
        Assert.False(call.IsCompleted);

        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_type_no_app_hosts_fails_after_the_host_wait_on_the_grain_clock()
    {
        var type = "Unhosted" + Guid.NewGuid().ToString("N")[..8];
        var call = Actor(type, "g").Invoke(Call("m"));
        await Task.Delay(QuietWindow); // must NOT give up while the clock stands still
        Assert.False(call.IsCompleted);

        var until = DateTime.UtcNow + Deadline;
        while (!call.IsCompleted && DateTime.UtcNow < until)
        {
            fixture.Clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20);
        }
        var answer = await call.WaitAsync(Deadline);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", answer.Failure?.ErrorCode);
    }
}
