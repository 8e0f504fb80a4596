using ActorRuntime.Components.Resiliency;
using static ActorRuntime.Components.Tests.Resiliency.ResiliencyYaml;

namespace ActorRuntime.Components.Tests.Resiliency;

/// <summary>Dapr's split of an actor policy (pre-lock retry and breaker, post-lock timeout) and permanent failures.</summary>
public sealed class PolicyPartsTests
{
    private readonly ManualTimeProvider _time = new();

    private ResiliencyRegistry ActorRegistry(string target = "{timeout: t, retry: r, circuitBreaker: cb, circuitBreakerScope: id}") =>
        Registry(Resource($"""
            policies:
              timeouts: {"{t: 2s}"}
              retries: {"{r: {duration: 1s, maxRetries: 2}}"}
              circuitBreakers: {"{cb: {trip: consecutiveFailures > 10}}"}
            targets:
              actors:
                A: {target}
            """), time: _time);

    private static async Task<int> Slow(CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        return 0;
    }

    [Fact]
    public async Task Pre_lock_retries_without_a_timeout_and_post_lock_times_out_without_retrying()
    {
        var registry = ActorRegistry();
        var policy = registry.ForActor("A", "1");

        // Pre-lock: no timeout, so a slow call is not cut however long it takes (the caller's token ends it here).
        using var cts = new CancellationTokenSource();
        var preLock = policy.ExecuteAsync(Slow, null, null, PolicyParts.PreLock, cts.Token);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(preLock.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => preLock);

        // Post-lock: the type's timeout alone, one attempt.
        var calls = 0;
        var postLock = registry.ForActorPostLock("A");
        Assert.Null(postLock.CircuitBreaker);
        await Assert.ThrowsAsync<ResiliencyTimeoutException>(() => _time.DriveAsync(postLock.ExecuteAsync(c => { calls++; return Slow(c); }, null, null, default)));
        Assert.Equal(1, calls);

        // All parts: timeout per attempt, then the retries.
        calls = 0;
        await Assert.ThrowsAsync<ResiliencyTimeoutException>(() => _time.DriveAsync(policy.ExecuteAsync(c => { calls++; return Slow(c); }, null, null, PolicyParts.All, default)));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_permanent_failure_is_returned_at_once_and_counts_against_the_breaker()
    {
        var registry = Registry(Resource("""
            policies:
              retries: {r: {duration: 1s, maxRetries: 5}}
              circuitBreakers: {cb: {trip: consecutiveFailures > 1}}
            targets:
              components:
                store: {outbound: {retry: r, circuitBreaker: cb}}
            """), time: _time);
        var policy = registry.ForComponent("store", "state", ResiliencyDirection.Outbound);
        var calls = 0;

        for (var i = 0; i < 2; i++)
            Assert.Equal(-1, await policy.ExecuteAsync(_ => { calls++; return Task.FromResult(-1); }, r => r < 0 ? AttemptOutcome.PermanentFailure : AttemptOutcome.Success, null, PolicyParts.All, default));

        Assert.Equal(2, calls);
        Assert.Empty(_time.Scheduled);
        Assert.Equal(CircuitState.Open, policy.CircuitBreaker!.State);
    }

    [Fact]
    public void Parts_that_are_not_configured_make_a_no_op()
    {
        var registry = ActorRegistry("{timeout: t}");
        var policy = registry.ForActor("A", "1");
        Assert.True(policy.IsNoOpFor(PolicyParts.PreLock));
        Assert.False(policy.IsNoOpFor(PolicyParts.Timeout));
        Assert.Same(ResiliencyPolicy.NoOp, registry.ForActorPostLock("Other"));
    }

    [Fact]
    public async Task A_type_without_a_target_shares_one_default_breaker_for_the_type()
    {
        var registry = Registry(Resource("policies:\n  circuitBreakers: {DefaultActorCircuitBreakerPolicy: {trip: consecutiveFailures > 0}}"), time: _time);

        await Assert.ThrowsAsync<IOException>(() => registry.ForActor("Any", "1").ExecuteAsync<int>(_ => throw new IOException(), null, null, default));

        // daprd keys the default actor breaker by type: another id of the type finds it open.
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => registry.ForActor("Any", "2").ExecuteAsync(_ => Task.FromResult(1), null, null, default));
        Assert.Equal(1, await registry.ForActor("Other", "1").ExecuteAsync(_ => Task.FromResult(1), null, null, default));
    }
}
