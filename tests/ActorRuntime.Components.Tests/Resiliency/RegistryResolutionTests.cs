using ActorRuntime.Components.Resiliency;
using static ActorRuntime.Components.Tests.Resiliency.ResiliencyYaml;

namespace ActorRuntime.Components.Tests.Resiliency;

public sealed class RegistryResolutionTests
{
    /// <summary>Timeouts named after where they come from, so the resolved one says which rule won.</summary>
    private static ResiliencyRegistry WithTimeouts(params string[] names) =>
        Registry(Resource("policies:\n  timeouts:\n" + string.Join("\n", names.Select((n, i) => $"    {n}: {i + 1}s")) +
            "\n    named: 99s\ntargets:\n  apps: {b: {timeout: named}}\n  actors: {A: {timeout: named}}\n  components: {s: {outbound: {timeout: named}}}"));

    private static double Seconds(ResiliencyPolicy p) => p.Policies.Timeout!.Value.TotalSeconds;

    [Fact]
    public void No_resources_means_no_op_policies()
    {
        Assert.True(ResiliencyRegistry.Empty.ForApp("b").IsNoOp);
        Assert.True(ResiliencyRegistry.Empty.ForActor("A", "1").IsNoOp);
        Assert.True(ResiliencyRegistry.Empty.ForComponent("s", "state", ResiliencyDirection.Outbound).IsNoOp);
        Assert.Same(ResiliencyRegistry.Empty, ResiliencyRegistry.Load([], "me"));
    }

    [Fact]
    public async Task A_no_op_policy_runs_the_operation_once()
    {
        var calls = 0;
        var result = await ResiliencyPolicy.NoOp.ExecuteAsync(_ => Task.FromResult(++calls), r => true, null, default);
        Assert.Equal((1, 1), (result, calls));
    }

    [Fact]
    public void A_target_without_a_named_policy_or_default_is_a_no_op()
    {
        var registry = WithTimeouts();

        Assert.Equal(99, Seconds(registry.ForApp("b")));
        Assert.True(registry.ForApp("other").IsNoOp);
        Assert.True(registry.ForActor("Other", "1").IsNoOp);
        Assert.True(registry.ForComponent("other", "state", ResiliencyDirection.Outbound).IsNoOp);
        Assert.True(registry.ForComponent("s", "state", ResiliencyDirection.Inbound).IsNoOp);
    }

    [Fact]
    public void Named_policies_win_over_every_default()
    {
        var registry = WithTimeouts("DefaultTimeoutPolicy", "DefaultAppTimeoutPolicy", "DefaultActorTimeoutPolicy",
            "DefaultComponentTimeoutPolicy", "DefaultComponentOutboundTimeoutPolicy", "DefaultStatestoreComponentOutboundTimeoutPolicy");

        Assert.Equal(99, Seconds(registry.ForApp("b")));
        Assert.Equal(99, Seconds(registry.ForActor("A", "1")));
        Assert.Equal(99, Seconds(registry.ForComponent("s", "state", ResiliencyDirection.Outbound)));
    }

    [Fact]
    public void Component_defaults_go_from_type_and_direction_to_global()
    {
        var all = WithTimeouts("DefaultTimeoutPolicy", "DefaultComponentTimeoutPolicy", "DefaultComponentOutboundTimeoutPolicy",
            "DefaultStatestoreComponentOutboundTimeoutPolicy");
        Assert.Equal(4, Seconds(all.ForComponent("other", "state", ResiliencyDirection.Outbound)));
        Assert.Equal(4, Seconds(all.ForComponent("other", "state.redis", ResiliencyDirection.Outbound)));
        Assert.Equal(3, Seconds(all.ForComponent("other", "pubsub", ResiliencyDirection.Outbound)));
        Assert.Equal(2, Seconds(all.ForComponent("other", "pubsub", ResiliencyDirection.Inbound)));

        var global = WithTimeouts("DefaultTimeoutPolicy");
        Assert.Equal(1, Seconds(global.ForComponent("other", "bindings", ResiliencyDirection.Inbound)));

        var pubsubInbound = WithTimeouts("DefaultTimeoutPolicy", "DefaultPubsubComponentInboundTimeoutPolicy");
        Assert.Equal(2, Seconds(pubsubInbound.ForComponent("other", "pubsub", ResiliencyDirection.Inbound)));
        Assert.Equal(1, Seconds(pubsubInbound.ForComponent("other", "pubsub", ResiliencyDirection.Outbound)));
    }

    [Fact]
    public void App_and_actor_defaults_go_from_kind_to_global()
    {
        var scoped = WithTimeouts("DefaultTimeoutPolicy", "DefaultAppTimeoutPolicy", "DefaultActorTimeoutPolicy");
        Assert.Equal(2, Seconds(scoped.ForApp("other")));
        Assert.Equal(3, Seconds(scoped.ForActor("Other", "1")));
        Assert.Equal(1, Seconds(scoped.ForComponent("other", "lock", ResiliencyDirection.Outbound)));
    }

    [Fact]
    public void Each_policy_kind_resolves_on_its_own()
    {
        var registry = Registry(Resource("""
            policies:
              timeouts: {t: 1s}
              retries: {DefaultRetryPolicy: {maxRetries: 2}}
              circuitBreakers: {DefaultAppCircuitBreakerPolicy: {}}
            targets:
              apps: {b: {timeout: t}}
            """));

        var policy = registry.ForApp("b");
        Assert.Equal(TimeSpan.FromSeconds(1), policy.Policies.Timeout);
        Assert.Equal("DefaultRetryPolicy", policy.Policies.Retry!.Name);
        Assert.Equal("DefaultAppCircuitBreakerPolicy", policy.Policies.CircuitBreaker!.Name);
        Assert.Null(registry.ForActor("A", "1").Policies.CircuitBreaker);
    }

    [Fact]
    public void Documents_scoped_to_other_apps_are_ignored()
    {
        var yaml = Resource("policies:\n  timeouts: {DefaultTimeoutPolicy: 1s}", name: "forA", scopes: "[appA]") + "---\n" +
                   Resource("policies:\n  timeouts: {DefaultTimeoutPolicy: 2s}", name: "forB", scopes: "[appB]");

        Assert.Equal(1, Seconds(Registry(yaml, appId: "appA").ForApp("x")));
        Assert.Equal(2, Seconds(Registry(yaml, appId: "appB").ForApp("x")));
        Assert.True(Registry(yaml, appId: "appC").ForApp("x").IsNoOp);
    }

    [Fact]
    public void Documents_merge_and_later_definitions_win()
    {
        var yaml = Resource("policies:\n  timeouts: {t: 1s, keep: 5s}\ntargets:\n  apps: {b: {timeout: later}, c: {timeout: keep}}", name: "one") + "---\n" +
                   Resource("policies:\n  timeouts: {t: 2s, later: 3s}", name: "two");

        var registry = Registry(yaml);

        Assert.Equal(TimeSpan.FromSeconds(2), registry.Configuration.Timeouts["t"]);
        Assert.Equal(3, Seconds(registry.ForApp("b"))); // a reference may name a policy of another document
        Assert.Equal(5, Seconds(registry.ForApp("c")));
    }

    [Fact]
    public void Policies_without_breakers_are_shared_and_breakers_are_per_target()
    {
        var registry = Registry(Resource("""
            policies:
              retries: {DefaultRetryPolicy: {maxRetries: 1}}
              circuitBreakers: {DefaultComponentCircuitBreakerPolicy: {}}
            """));

        Assert.Same(registry.ForApp("x"), registry.ForApp("y"));
        Assert.Null(registry.ForApp("x").CircuitBreaker);
        var s1 = registry.ForComponent("s1", "state", ResiliencyDirection.Outbound);
        Assert.Same(s1, registry.ForComponent("s1", "state", ResiliencyDirection.Outbound));
        Assert.NotSame(s1.CircuitBreaker, registry.ForComponent("s2", "state", ResiliencyDirection.Outbound).CircuitBreaker);
        Assert.NotSame(s1.CircuitBreaker, registry.ForComponent("s1", "state", ResiliencyDirection.Inbound).CircuitBreaker);
    }
}
