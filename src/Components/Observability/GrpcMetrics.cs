using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActorRuntime.Components.Observability;

/// <summary>Dapr's gRPC server metrics (OpenCensus' <c>grpc.io/server/*</c> views under the <c>dapr_</c> prefix).</summary>
public static class GrpcMetrics
{
    private static readonly Counter<long> Completed = DaprMeter.Counter("dapr_grpc_io_server_completed_rpcs", "Count of RPCs by method and status.");
    private static readonly Histogram<double> Latency = DaprMeter.Latency("dapr_grpc_io_server_server_latency", "Distribution of server latency, by method.");
    private static readonly Histogram<long> Received = DaprMeter.Size("dapr_grpc_io_server_received_bytes_per_rpc", "Distribution of received bytes per RPC, by method.");
    private static readonly Histogram<long> Sent = DaprMeter.Size("dapr_grpc_io_server_sent_bytes_per_rpc", "Distribution of total sent bytes per RPC, by method.");

    public static bool Enabled => Latency.Enabled;

    /// <param name="method">The full method, e.g. <c>/dapr.proto.runtime.v1.Dapr/GetState</c>.</param>
    /// <param name="status">The gRPC status name in upper case, e.g. <c>OK</c>, <c>NOT_FOUND</c> (OpenCensus' form).</param>
    public static void ServerCompleted(string appId, string method, string status, long receivedBytes, long sentBytes, double elapsedMs)
    {
        var methodTags = new TagList { { "app_id", appId }, { "grpc_server_method", method } };
        var tags = methodTags;
        tags.Add("grpc_server_status", status);
        Completed.Add(1, tags);
        Latency.Record(elapsedMs, tags);
        Received.Record(receivedBytes, methodTags);
        Sent.Record(sentBytes, methodTags);
    }
}
