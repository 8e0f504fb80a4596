using ActorRuntime.Components.Resiliency;
using static ActorRuntime.Components.Tests.Resiliency.ResiliencyYaml;

namespace ActorRuntime.Components.Tests.Resiliency;

public sealed class InboundDeliveryTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task Deliveries_get_the_inbound_policy_with_a_breaker_of_their_own()
    {
        var registry = Registry(Resource("""
            policies:
              retries: {r: {duration: 1s, maxRetries: 2}}
              circuitBreakers: {cb: {trip: consecutiveFailures > 2}}
            targets:
              components:
                orders: {inbound: {retry: r, circuitBreaker: cb}}
            """), time: _time);
        var delivery = new InboundDelivery(registry);
        var attempts = 0;

        // The app answers 500 twice, then 200: three attempts, the caller sees the 200.
        var status = await _time.DriveAsync(delivery.DeliverAsync("orders", "pubsub", _ => Task.FromResult(++attempts < 3 ? 500 : 200), InboundDelivery.FromHttpStatus, default));
        Assert.Equal((200, 3), (status, attempts));

        // Three failed attempts open the inbound breaker; the outbound direction of the same component is untouched.
        attempts = 0;
        Assert.Equal(500, await _time.DriveAsync(delivery.DeliverAsync("orders", "pubsub", _ => Task.FromResult(++attempts > 0 ? 500 : 200), InboundDelivery.FromHttpStatus, default)));
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => delivery.DeliverAsync("orders", "pubsub", _ => Task.FromResult(200), InboundDelivery.FromHttpStatus, default));
        Assert.True(registry.ForComponent("orders", "pubsub", ResiliencyDirection.Outbound).IsNoOp);
    }

    [Fact]
    public async Task The_pubsub_inbound_default_applies_to_a_component_without_a_target()
    {
        var registry = Registry(Resource("policies:\n  retries: {DefaultPubsubComponentInboundRetryPolicy: {duration: 1s, maxRetries: 1}}"), time: _time);
        var attempts = 0;

        await _time.DriveAsync(new InboundDelivery(registry).DeliverAsync("any", "pubsub.redis", _ => Task.FromResult(++attempts == 1 ? 503 : 204), InboundDelivery.FromHttpStatus, default));

        Assert.Equal(2, attempts);
    }
}
