using ActorRuntime.Components.Resiliency;
using static ActorRuntime.Components.Tests.Resiliency.ResiliencyYaml;

namespace ActorRuntime.Components.Tests.Resiliency;

public sealed class BuiltInRetryTests
{
    [Fact]
    public void Without_resources_the_built_in_actor_retry_is_three_retries_one_second_apart()
    {
        var retry = ResiliencyRegistry.Empty.ForBuiltIn(BuiltInRetries.Actor).Policies.Retry!;
        Assert.Equal((RetryBackoffKind.Constant, TimeSpan.FromSeconds(1), 3), (retry.Policy, retry.Duration, retry.MaxRetries));
        Assert.True(ResiliencyRegistry.Empty.ForBuiltIn("NotABuiltIn").IsNoOp);
    }

    [Fact]
    public void A_retry_policy_with_the_reserved_name_overrides_it_but_never_below_three_retries()
    {
        var registry = Registry(Resource("""
            policies:
              retries:
                DaprBuiltInActorRetries: {policy: constant, duration: 250ms, maxRetries: 1}
                DaprBuiltInServiceRetries: {policy: constant, duration: 2s, maxRetries: 10}
                DaprBuiltInActorNotFoundRetries: {maxRetries: 50}
            """));

        var actor = registry.ForBuiltIn(BuiltInRetries.Actor).Policies.Retry!;
        Assert.Equal((TimeSpan.FromMilliseconds(250), 3), (actor.Duration, actor.MaxRetries));
        Assert.Equal(10, registry.ForBuiltIn(BuiltInRetries.Service).Policies.Retry!.MaxRetries);
        Assert.Equal(5, registry.ForBuiltIn(BuiltInRetries.ActorNotFound).Policies.Retry!.MaxRetries); // protected
    }

    [Fact]
    public async Task A_built_in_retry_has_no_timeout_and_no_breaker()
    {
        var time = new ManualTimeProvider();
        var registry = Registry(Resource("policies:\n  timeouts: {DefaultTimeoutPolicy: 1s}\n  circuitBreakers: {DefaultCircuitBreakerPolicy: {trip: consecutiveFailures > 0}}"), time: time);
        var policy = registry.ForBuiltIn(BuiltInRetries.Actor);
        var calls = 0;

        await Assert.ThrowsAsync<IOException>(() => time.DriveAsync(policy.ExecuteAsync<int>(_ => { calls++; throw new IOException(); }, null, null, default)));

        Assert.Equal(4, calls);
        Assert.Null(policy.CircuitBreaker);
        Assert.Null(policy.Policies.Timeout);
    }
}
