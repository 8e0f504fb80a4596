using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActorRuntime.Components.Observability;

/// <summary>Dapr's component metrics: state, secret and pub/sub operations as the runtime sees them.</summary>
public static class ComponentMetrics
{
    /// <summary>Dapr's operation label values.</summary>
    public static class Operations
    {
        public const string Get = "get";
        public const string Set = "set";
        public const string Delete = "delete";
        public const string BulkGet = "bulk_get";
        public const string BulkDelete = "bulk_delete";
        public const string Transaction = "transaction";
        public const string Query = "query";
    }

    private static readonly Counter<long> StateCount = DaprMeter.Counter("dapr_component_state_count", "The number of operations performed on the state component.");
    private static readonly Histogram<double> StateLatency = DaprMeter.Latency("dapr_component_state_latencies", "The latency of the response from the state component.");
    private static readonly Counter<long> SecretCount = DaprMeter.Counter("dapr_component_secret_count", "The number of operations performed on the secret component.");
    private static readonly Histogram<double> SecretLatency = DaprMeter.Latency("dapr_component_secret_latencies", "The latency of the response from the secret component.");
    private static readonly Counter<long> EgressCount = DaprMeter.Counter("dapr_component_pubsub_egress_count", "The number of outgoing messages published to the pub/sub component.");
    private static readonly Histogram<double> EgressLatency = DaprMeter.Latency("dapr_component_pubsub_egress_latencies", "The latency of the response from the pub/sub component.");
    private static readonly Counter<long> IngressCount = DaprMeter.Counter("dapr_component_pubsub_ingress_count", "The number of incoming messages arriving from the pub/sub component.");
    private static readonly Histogram<double> IngressLatency = DaprMeter.Latency("dapr_component_pubsub_ingress_latencies", "The consuming app event processing latency.");

    public static bool Enabled => StateLatency.Enabled;

    public static void State(string appId, string ns, string component, string operation, bool success, double elapsedMs)
    {
        var tags = new TagList { { "app_id", appId }, { "component", component }, { "namespace", ns }, { "operation", operation }, { "success", success ? "true" : "false" } };
        StateCount.Add(1, tags);
        StateLatency.Record(elapsedMs, tags);
    }

    public static void Secret(string appId, string ns, string component, string operation, bool success, double elapsedMs)
    {
        var tags = new TagList { { "app_id", appId }, { "component", component }, { "namespace", ns }, { "operation", operation }, { "success", success ? "true" : "false" } };
        SecretCount.Add(1, tags);
        SecretLatency.Record(elapsedMs, tags);
    }

    public static void PubSubEgress(string appId, string ns, string component, string topic, bool success, double elapsedMs)
    {
        var tags = new TagList { { "app_id", appId }, { "component", component }, { "namespace", ns }, { "success", success ? "true" : "false" }, { "topic", topic } };
        EgressCount.Add(1, tags);
        EgressLatency.Record(elapsedMs, tags);
    }

    /// <param name="processStatus">Dapr's <c>success</c>, <c>retry</c> or <c>drop</c>.</param>
    public static void PubSubIngress(string appId, string ns, string component, string topic, string processStatus, double elapsedMs)
    {
        var tags = new TagList
        {
            { "app_id", appId }, { "component", component }, { "namespace", ns }, { "process_status", processStatus }, { "status", processStatus }, { "topic", topic },
        };
        IngressCount.Add(1, tags);
        IngressLatency.Record(elapsedMs, tags);
    }
}
