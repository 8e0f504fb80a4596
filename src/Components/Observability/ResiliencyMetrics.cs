using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActorRuntime.Components.Observability;

/// <summary>
/// Dapr's resiliency metrics. <c>dapr_resiliency_count</c> counts every run of a policy, <c>dapr_resiliency_activations_total</c>
/// the runs where a policy acted: a retry after a failure, a timeout that fired, a breaker that refused.
/// </summary>
public static class ResiliencyMetrics
{
    private static readonly Counter<long> Loaded = DaprMeter.Counter("dapr_resiliency_loaded", "Number of resiliency policies loaded.");
    private static readonly Counter<long> Executed = DaprMeter.Counter("dapr_resiliency_count", "Number of times a resiliency policy has been applied to a building block.");
    private static readonly Counter<long> Activations = DaprMeter.Counter("dapr_resiliency_activations_total",
        "Number of times a resiliency policy has been activated in a building block after a failure or after a state change.");

    public const string Retry = "retry";
    public const string Timeout = "timeout";
    public const string CircuitBreaker = "circuitbreaker";

    public static void PolicyLoaded(string appId, string name, string ns) =>
        Loaded.Add(1, new TagList { { "app_id", appId }, { "name", name }, { "namespace", ns } });

    public static void PolicyExecuted(ResiliencyMetricLabels labels, string policy, string status = "") =>
        Executed.Add(1, Tags(labels, policy, status));

    public static void PolicyActivated(ResiliencyMetricLabels labels, string policy, string status = "") =>
        Activations.Add(1, Tags(labels, policy, status));

    private static TagList Tags(ResiliencyMetricLabels l, string policy, string status) => new()
    {
        { "app_id", l.AppId }, { "name", l.Name }, { "policy", policy }, { "namespace", l.Namespace },
        { "flow_direction", l.FlowDirection }, { "target", l.Target }, { "status", status },
    };
}

/// <summary>What Dapr labels a resiliency policy's metrics with; <see cref="Target"/> is Dapr's <c>app_x</c>, <c>actor_T</c> or <c>statestore_x</c> form.</summary>
public sealed record ResiliencyMetricLabels(string AppId, string Name, string Namespace, string FlowDirection, string Target);
