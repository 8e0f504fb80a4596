using ActorRuntime.Components.Resiliency;
using static ActorRuntime.Components.Tests.Resiliency.ResiliencyYaml;

namespace ActorRuntime.Components.Tests.Resiliency;

public sealed class CircuitBreakerTests
{
    private readonly ManualTimeProvider _time = new();

    private ResiliencyRegistry Registry(string breaker, string target = "{circuitBreaker: cb}") =>
        ResiliencyYaml.Registry(Resource($"policies:\n  circuitBreakers:\n    cb: {breaker}\ntargets:\n  apps:\n    b: {target}"), time: _time);

    private static Task<int> Fail(ResiliencyPolicy p) => p.ExecuteAsync<int>(_ => throw new IOException(), null, null, default);

    private static Task<int> Succeed(ResiliencyPolicy p) => p.ExecuteAsync(_ => Task.FromResult(1), null, null, default);

    private static async Task FailTimes(ResiliencyPolicy p, int n)
    {
        for (var i = 0; i < n; i++) await Assert.ThrowsAsync<IOException>(() => Fail(p));
    }

    [Fact]
    public async Task Trips_after_the_expression_holds_and_rejects_without_calling()
    {
        var policy = Registry("{trip: consecutiveFailures > 2, timeout: 30s}").ForApp("b");
        await FailTimes(policy, 2);
        Assert.Equal(CircuitState.Closed, policy.CircuitBreaker!.State);

        await FailTimes(policy, 1);
        Assert.Equal(CircuitState.Open, policy.CircuitBreaker.State);

        var called = false;
        var e = await Assert.ThrowsAsync<CircuitBreakerOpenException>(() =>
            policy.ExecuteAsync(_ => { called = true; return Task.FromResult(1); }, null, null, default));
        Assert.False(called);
        Assert.Equal("cb", e.PolicyName);
    }

    [Fact]
    public async Task A_success_resets_consecutive_failures()
    {
        var policy = Registry("{trip: consecutiveFailures > 2}").ForApp("b");

        await FailTimes(policy, 2);
        await Succeed(policy);
        await FailTimes(policy, 2);

        Assert.Equal(CircuitState.Closed, policy.CircuitBreaker!.State);
    }

    [Fact]
    public async Task Half_open_after_the_timeout_lets_maxRequests_through_and_closes_on_success()
    {
        var policy = Registry("{trip: consecutiveFailures > 0, timeout: 30s, maxRequests: 2}").ForApp("b");
        await FailTimes(policy, 1);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(CircuitState.Open, policy.CircuitBreaker!.State);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CircuitState.HalfOpen, policy.CircuitBreaker.State);

        // Two probes may be in flight; a third is rejected.
        var probe1 = new TaskCompletionSource<int>();
        var probe2 = new TaskCompletionSource<int>();
        var first = policy.ExecuteAsync(_ => probe1.Task, null, null, default);
        var second = policy.ExecuteAsync(_ => probe2.Task, null, null, default);
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => Succeed(policy));

        probe1.SetResult(1);
        await first;
        Assert.Equal(CircuitState.HalfOpen, policy.CircuitBreaker.State);
        probe2.SetResult(2);
        await second;
        Assert.Equal(CircuitState.Closed, policy.CircuitBreaker.State);
        Assert.Equal(1, await Succeed(policy));
    }

    [Fact]
    public async Task A_failure_while_half_open_opens_again()
    {
        var policy = Registry("{trip: consecutiveFailures > 3, timeout: 10s}").ForApp("b");
        await FailTimes(policy, 4);
        _time.Advance(TimeSpan.FromSeconds(10));

        await FailTimes(policy, 1);

        Assert.Equal(CircuitState.Open, policy.CircuitBreaker!.State);
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => Succeed(policy));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await Succeed(policy));
        Assert.Equal(CircuitState.Closed, policy.CircuitBreaker.State);
    }

    [Fact]
    public async Task The_interval_clears_counts_in_the_closed_state()
    {
        var policy = Registry("{trip: totalFailures > 2, interval: 10s}").ForApp("b");
        await FailTimes(policy, 2);
        Assert.Equal(2, policy.CircuitBreaker!.Counts.TotalFailures);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, policy.CircuitBreaker.Counts.TotalFailures);
        await FailTimes(policy, 2);

        Assert.Equal(CircuitState.Closed, policy.CircuitBreaker.State);
        await FailTimes(policy, 1);
        Assert.Equal(CircuitState.Open, policy.CircuitBreaker.State);
    }

    [Fact]
    public async Task Without_an_interval_counts_are_never_cleared()
    {
        var policy = Registry("{trip: totalFailures > 2}").ForApp("b");
        await FailTimes(policy, 2);

        _time.Advance(TimeSpan.FromDays(1));
        await FailTimes(policy, 1);

        Assert.Equal(CircuitState.Open, policy.CircuitBreaker!.State);
    }

    [Fact]
    public async Task Failed_results_count_and_an_open_breaker_stops_retries_returning_the_last_result()
    {
        var registry = ResiliencyYaml.Registry(Resource(
            "policies:\n  retries: {r: {duration: 1s, maxRetries: 10}}\n  circuitBreakers: {cb: {trip: consecutiveFailures > 2}}\n" +
            "targets:\n  apps:\n    b: {retry: r, circuitBreaker: cb}"), time: _time);
        var policy = registry.ForApp("b");
        var calls = 0;

        var status = await _time.DriveAsync(policy.ExecuteAsync(_ => Task.FromResult(500 + ++calls), s => s >= 500, null, default));

        Assert.Equal(3, calls);
        Assert.Equal(503, status);
        Assert.Equal(CircuitState.Open, policy.CircuitBreaker!.State);
    }

    [Fact]
    public async Task Caller_cancellation_does_not_count_as_a_failure_nor_take_a_probe_slot()
    {
        var policy = Registry("{trip: consecutiveFailures > 0, timeout: 5s}").ForApp("b");
        await FailTimes(policy, 1);
        _time.Advance(TimeSpan.FromSeconds(5)); // half-open, one probe allowed
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => policy.ExecuteAsync<int>(t =>
        {
            cts.Cancel();
            return Task.FromCanceled<int>(t);
        }, null, null, cts.Token));

        Assert.Equal(CircuitState.HalfOpen, policy.CircuitBreaker!.State);
        Assert.Equal(1, await Succeed(policy));
        Assert.Equal(CircuitState.Closed, policy.CircuitBreaker.State);
    }

    [Fact]
    public async Task The_breaker_is_shared_per_target_app()
    {
        var registry = Registry("{trip: consecutiveFailures > 1}", "{circuitBreaker: cb}");

        await FailTimes(registry.ForApp("b"), 2);

        Assert.Same(registry.ForApp("b"), registry.ForApp("b"));
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => Succeed(registry.ForApp("b")));
    }

    [Fact]
    public async Task Actor_breakers_are_per_id_per_type_or_both()
    {
        var yaml = Resource("""
            policies:
              circuitBreakers: {cb: {trip: consecutiveFailures > 0}}
            targets:
              actors:
                ById: {circuitBreaker: cb, circuitBreakerScope: id}
                ByType: {circuitBreaker: cb, circuitBreakerScope: type}
                ByBoth: {circuitBreaker: cb, circuitBreakerScope: both}
            """);
        var registry = ResiliencyYaml.Registry(yaml, time: _time);

        await FailTimes(registry.ForActor("ById", "1"), 1);
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => Succeed(registry.ForActor("ById", "1")));
        Assert.Equal(1, await Succeed(registry.ForActor("ById", "2")));

        await FailTimes(registry.ForActor("ByType", "1"), 1);
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => Succeed(registry.ForActor("ByType", "2")));

        await FailTimes(registry.ForActor("ByBoth", "1"), 1);
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => Succeed(registry.ForActor("ByBoth", "2")));
        Assert.NotSame(registry.ForActor("ByBoth", "1").CircuitBreaker, registry.ForActor("ByBoth", "2").CircuitBreaker);
    }

    [Fact]
    public async Task Actor_id_breakers_are_bounded_by_the_cache_size()
    {
        var yaml = Resource("policies:\n  circuitBreakers: {cb: {trip: consecutiveFailures > 0}}\ntargets:\n  actors:\n    A: {circuitBreaker: cb, circuitBreakerCacheSize: 2}");
        var registry = ResiliencyYaml.Registry(yaml, time: _time);
        await FailTimes(registry.ForActor("A", "1"), 1);

        registry.ForActor("A", "2");
        Assert.Equal(CircuitState.Open, registry.ForActor("A", "1").CircuitBreaker!.State); // still cached, now most recent
        registry.ForActor("A", "2");
        registry.ForActor("A", "3"); // evicts "1"

        Assert.Equal(CircuitState.Closed, registry.ForActor("A", "1").CircuitBreaker!.State);
    }
}
