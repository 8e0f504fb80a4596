using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>Activation, idle deactivation (DELETE /actors/{type}/{id} to the app), and timers stopping with it.</summary>
[Collection(ActorCollection.Name)]
public sealed class ActorLifecycleTests(ITestOutputHelper log)
{
    private const int IdleSeconds = 5;
    private static readonly Dictionary<string, string> IdleEnv = new() { ["IDLE_TIMEOUT_SECONDS"] = IdleSeconds.ToString() };

    /// <summary>actorIdleTimeout 5 s and actorScanInterval 1 s (from /dapr/config), plus 10 s of slack.</summary>
    private static readonly TimeSpan DeactivationBound = TimeSpan.FromSeconds(IdleSeconds + 1 + 10);

    [Fact(Timeout = 300_000)]
    public async Task An_idle_actor_is_deactivated_after_the_idle_timeout_and_reactivated_by_the_next_call()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox, env: IdleEnv);
        var actors = new ActorHttp(host.Http);
        var id = ActorHttp.NewId("idle");

        Assert.Equal(1, await actors.CallIntAsync("CounterActor", id, "Increment"));
        await WaitForLinesAsync(host, $@"\bACTIVATED CounterActor {id}\b", 1, TimeSpan.FromSeconds(10), "activation");
        var lastCall = DateTime.UtcNow;
        Assert.Empty(Lines(host, $@"\bDEACTIVATED CounterActor {id}\b"));

        await WaitForLinesAsync(host, $@"\bDEACTIVATED CounterActor {id}\b", 1, DeactivationBound, "idle deactivation");
        var after = DateTime.UtcNow - lastCall;
        log.WriteLine($"deactivated {after.TotalSeconds:0.0} s after the last call");
        Assert.True(after >= TimeSpan.FromSeconds(IdleSeconds - 1), $"deactivated after only {after.TotalSeconds:0.0} s (idle timeout {IdleSeconds} s)");

        // The next call activates it again, with its state read back from the store.
        Assert.Equal(2, await actors.CallIntAsync("CounterActor", id, "Increment"));
        await WaitForLinesAsync(host, $@"\bACTIVATED CounterActor {id}\b", 2, TimeSpan.FromSeconds(10), "reactivation");
    }

    [Fact(Timeout = 300_000)]
    public async Task Calls_keep_an_actor_active()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox, env: IdleEnv);
        var actors = new ActorHttp(host.Http);
        var id = ActorHttp.NewId("busy");

        // A call every second for twice the idle timeout: never idle, never deactivated.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(IdleSeconds * 2);
        while (DateTime.UtcNow < until)
        {
            await actors.CallIntAsync("CounterActor", id, "Increment");
            await Task.Delay(1000);
        }
        Assert.Empty(Lines(host, $@"\bDEACTIVATED CounterActor {id}\b"));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_timer_stops_when_its_actor_is_deactivated()
    {
        using var sandbox = new RuntimeSandbox();
        await using var host = await StartHostAsync(sandbox, env: IdleEnv);
        var actors = new ActorHttp(host.Http);
        var id = ActorHttp.NewId("tdeact");

        // Timer fires do not count as calls in the .NET SDK's sense, but Dapr resets the idle clock on them; so the
        // timer here is slower than the idle timeout: 8 s period, 5 s idle. (Dapr docs: timer fires reset the clock
        // too; with a period above the idle timeout the actor goes idle between fires and its timer must stop.)
        await actors.RegisterTimerViaActorAsync(id, "slow", "0s", "8s");
        await WaitForLinesAsync(host, FirePattern("TIMER", id, "slow"), 1, TimeSpan.FromSeconds(15), "first timer fire");
        await WaitForLinesAsync(host, $@"\bDEACTIVATED ReminderActor {id}\b", 1, DeactivationBound, "idle deactivation with a timer");
        var fires = Lines(host, FirePattern("TIMER", id, "slow")).Count;
        await Task.Delay(TimeSpan.FromSeconds(12)); // more than one period
        Assert.True(Lines(host, FirePattern("TIMER", id, "slow")).Count == fires,
            $"the timer fired after its actor was deactivated.\n{host.Describe()}");
        Assert.Single(Lines(host, $@"\bACTIVATED ReminderActor {id}\b"));
    }
}
