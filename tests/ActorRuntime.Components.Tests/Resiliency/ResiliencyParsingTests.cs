using ActorRuntime.Components.Model;
using ActorRuntime.Components.Resiliency;
using static ActorRuntime.Components.Tests.Resiliency.ResiliencyYaml;

namespace ActorRuntime.Components.Tests.Resiliency;

public sealed class ResiliencyParsingTests
{
    private const string Full = """
        policies:
          timeouts: {general: 5s, important: 1m30s}
          retries:
            retryForever: {policy: exponential, maxInterval: 15s, maxRetries: -1}
            pubsubRetry: {policy: constant, duration: 2s, maxRetries: 10}
            bare: {}
          circuitBreakers:
            simpleCB: {maxRequests: 2, interval: 8s, timeout: 45s, trip: consecutiveFailures > 8}
            bareCB: {}
        targets:
          apps:
            appB: {timeout: general, retry: retryForever, circuitBreaker: simpleCB}
          actors:
            myActor: {timeout: important, retry: pubsubRetry, circuitBreaker: simpleCB, circuitBreakerScope: both, circuitBreakerCacheSize: 50}
            plainActor: {retry: bare}
          components:
            statestore: {outbound: {timeout: general, retry: retryForever, circuitBreaker: simpleCB}}
            pubsub:
              outbound: {retry: pubsubRetry}
              inbound: {timeout: important}
        """;

    [Fact]
    public void Parses_every_policy_field()
    {
        var doc = Parse(Resource(Full, scopes: "[appA, appC]"));

        Assert.Equal("res", doc.Name);
        Assert.Equal(["appA", "appC"], doc.Scopes);
        Assert.Equal(TimeSpan.FromSeconds(5), doc.Timeouts["general"]);
        Assert.Equal(TimeSpan.FromSeconds(90), doc.Timeouts["important"]);

        Assert.Equal(new RetryPolicyDefinition("retryForever", RetryBackoffKind.Exponential, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), -1),
            doc.Retries["retryForever"]);
        Assert.Equal(new RetryPolicyDefinition("pubsubRetry", RetryBackoffKind.Constant, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), 10),
            doc.Retries["pubsubRetry"]);

        var cb = doc.CircuitBreakers["simpleCB"];
        Assert.Equal(2, cb.MaxRequests);
        Assert.Equal(TimeSpan.FromSeconds(8), cb.Interval);
        Assert.Equal(TimeSpan.FromSeconds(45), cb.Timeout);
        Assert.Equal("consecutiveFailures > 8", cb.Trip.Text);
    }

    [Fact]
    public void Parses_every_target_field()
    {
        var doc = Parse(Resource(Full));

        var app = doc.Apps["appB"];
        Assert.Equal(("general", "retryForever", "simpleCB"), (app.Timeout, app.Retry, app.CircuitBreaker));
        Assert.Equal("spec.targets.apps.appB", app.Source.Field);

        var actor = doc.Actors["myActor"];
        Assert.Equal(("important", "pubsubRetry", "simpleCB"), (actor.Policies.Timeout, actor.Policies.Retry, actor.Policies.CircuitBreaker));
        Assert.Equal(ActorCircuitBreakerScope.Both, actor.Scope);
        Assert.Equal(50, actor.CacheSize);

        var store = doc.Components["statestore"];
        Assert.Equal("retryForever", store.Outbound!.Retry);
        Assert.Null(store.Inbound);
        var pubsub = doc.Components["pubsub"];
        Assert.Equal("pubsubRetry", pubsub.For(ResiliencyDirection.Outbound)!.Retry);
        Assert.Equal("important", pubsub.For(ResiliencyDirection.Inbound)!.Timeout);
        Assert.Null(pubsub.Inbound!.Retry);
    }

    [Fact]
    public void Applies_Dapr_defaults_to_missing_fields()
    {
        var doc = Parse(Resource(Full));

        Assert.Equal(new RetryPolicyDefinition("bare", RetryBackoffKind.Constant, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), -1),
            doc.Retries["bare"]);
        var cb = doc.CircuitBreakers["bareCB"];
        Assert.Equal(1, cb.MaxRequests);
        Assert.Equal(TimeSpan.Zero, cb.Interval);
        Assert.Equal(TimeSpan.FromSeconds(60), cb.Timeout);
        Assert.Equal("consecutiveFailures > 5", cb.Trip.Text);
        var actor = doc.Actors["plainActor"];
        Assert.Equal(ActorCircuitBreakerScope.Id, actor.Scope);
        Assert.Equal(5000, actor.CacheSize);
        Assert.Empty(doc.Scopes);
    }

    [Theory]
    [InlineData("policies:\n  timeouts: {general: 5 seconds}", "spec.policies.timeouts.general", "duration")]
    [InlineData("policies:\n  timeouts: {general: 0s}", "spec.policies.timeouts.general", "positive")]
    [InlineData("policies:\n  retries: {r: {duration: soon}}", "spec.policies.retries.r.duration", "duration")]
    [InlineData("policies:\n  retries: {r: {maxInterval: -1s}}", "spec.policies.retries.r.maxInterval", "positive")]
    [InlineData("policies:\n  retries: {r: {policy: linear}}", "spec.policies.retries.r.policy", "'constant' or 'exponential'")]
    [InlineData("policies:\n  retries: {r: {maxRetries: many}}", "spec.policies.retries.r.maxRetries", "whole number")]
    [InlineData("policies:\n  retries: {r: {maxRetries: -2}}", "spec.policies.retries.r.maxRetries", "-1 or more")]
    [InlineData("policies:\n  retries: {r: {maxRetry: 3}}", "spec.policies.retries.r.maxRetry", "unknown field")]
    [InlineData("policies:\n  retries: {r: {matching: {httpStatusCodes: '500'}}}", "spec.policies.retries.r.matching", "not supported")]
    [InlineData("policies:\n  circuitBreakers: {cb: {timeout: later}}", "spec.policies.circuitBreakers.cb.timeout", "duration")]
    [InlineData("policies:\n  circuitBreakers: {cb: {interval: x}}", "spec.policies.circuitBreakers.cb.interval", "duration")]
    [InlineData("policies:\n  circuitBreakers: {cb: {maxRequests: -1}}", "spec.policies.circuitBreakers.cb.maxRequests", "0 or more")]
    [InlineData("policies:\n  circuitBreakers: {cb: {trip: 'consecutiveFailures >'}}", "spec.policies.circuitBreakers.cb.trip", "ends too early")]
    [InlineData("policies:\n  circuitBreakers: {cb: {trip: 'failures > 5'}}", "spec.policies.circuitBreakers.cb.trip", "unknown variable 'failures'")]
    [InlineData("policies:\n  circuitBreakers: {cb: {trip: 'consecutiveFailures > 5 &&'}}", "spec.policies.circuitBreakers.cb.trip", "trip expression")]
    [InlineData("policies:\n  circuitBreakers: {cb: {trip: '(requests > 5'}}", "spec.policies.circuitBreakers.cb.trip", "expected ')'")]
    [InlineData("policies:\n  circuitBreakers: {cb: {trip: 'requests = 5'}}", "spec.policies.circuitBreakers.cb.trip", "comparison")]
    [InlineData("policies:\n  waits: {}", "spec.policies.waits", "unknown field")]
    [InlineData("targets:\n  actors: {a: {circuitBreakerScope: instance}}", "spec.targets.actors.a.circuitBreakerScope", "'id', 'type' or 'both'")]
    [InlineData("targets:\n  actors: {a: {circuitBreakerCacheSize: 0}}", "spec.targets.actors.a.circuitBreakerCacheSize", "1 or more")]
    [InlineData("targets:\n  components: {s: {outbund: {}}}", "spec.targets.components.s.outbund", "unknown field")]
    [InlineData("targets:\n  apps: {b: [x]}", "spec.targets.apps.b", "mapping")]
    public void Each_mistake_names_file_resource_and_field(string spec, string field, string problem)
    {
        var e = Assert.Throws<ComponentConfigurationException>(() => Registry(Resource(spec, name: "broken")));

        Assert.Equal(FileName, e.File);
        Assert.Equal("broken", e.ComponentName);
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message);
        Assert.Contains(FileName, e.Message);
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData("apps: {b: {retry: nope}}", "spec.targets.apps.b.retry")]
    [InlineData("apps: {b: {timeout: nope}}", "spec.targets.apps.b.timeout")]
    [InlineData("actors: {a: {circuitBreaker: nope}}", "spec.targets.actors.a.circuitBreaker")]
    [InlineData("components: {s: {inbound: {retry: nope}}}", "spec.targets.components.s.inbound.retry")]
    public void A_reference_to_an_unknown_policy_is_an_error(string targets, string field)
    {
        var yaml = Resource($"policies:\n  timeouts: {{t: 1s}}\n  retries: {{r: {{}}}}\ntargets:\n  {targets}");

        var e = Assert.Throws<ComponentConfigurationException>(() => Registry(yaml));

        Assert.Equal(field, e.Field);
        Assert.Contains("unknown policy 'nope'", e.Message);
        Assert.Contains(FileName, e.Message);
    }

    [Fact]
    public void Wrong_api_version_or_missing_name_is_an_error()
    {
        var badVersion = Resource("policies: {}").Replace("dapr.io/v1alpha1", "dapr.io/v2");
        Assert.Equal("apiVersion", Assert.Throws<ComponentConfigurationException>(() => Registry(badVersion)).Field);

        var noName = "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nspec: {policies: {}}\n";
        Assert.Equal("metadata.name", Assert.Throws<ComponentConfigurationException>(() => Registry(noName)).Field);
    }

    [Fact]
    public void A_broken_document_scoped_to_another_app_still_fails()
    {
        var yaml = Resource("policies:\n  timeouts: {t: never}", scopes: "[other]");

        Assert.Throws<ComponentConfigurationException>(() => Registry(yaml, appId: "me"));
    }

    [Fact]
    public void Other_kinds_are_ignored()
    {
        var yaml = "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec: {type: state.in-memory, version: v1}\n";

        var registry = Registry(yaml);

        Assert.True(registry.Configuration.IsEmpty);
        Assert.True(registry.ForApp("b").IsNoOp);
    }
}
