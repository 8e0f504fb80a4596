using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActorRuntime.Components.Observability;

/// <summary>Dapr's HTTP server metrics (the API ports) and client metrics (calls into the app), with Dapr's labels.</summary>
public static class HttpMetrics
{
    private static readonly Counter<long> ServerRequestCount = DaprMeter.Counter("dapr_http_server_request_count", "Number of HTTP requests started in server.");
    private static readonly Counter<long> ServerResponseCount = DaprMeter.Counter("dapr_http_server_response_count", "The number of HTTP responses.");
    private static readonly Histogram<long> ServerRequestBytes = DaprMeter.Size("dapr_http_server_request_bytes", "HTTP request body size if set as ContentLength (uncompressed) in server.");
    private static readonly Histogram<long> ServerResponseBytes = DaprMeter.Size("dapr_http_server_response_bytes", "HTTP response body size (uncompressed) in server.");
    private static readonly Histogram<double> ServerLatency = DaprMeter.Latency("dapr_http_server_latency", "HTTP request end to end latency in server.");
    private static readonly Histogram<long> ClientSentBytes = DaprMeter.Size("dapr_http_client_sent_bytes", "Total bytes sent in request body (not including headers).");
    private static readonly Histogram<long> ClientReceivedBytes = DaprMeter.Size("dapr_http_client_received_bytes", "Total bytes received in response bodies (not including headers but including error responses with bodies).");
    private static readonly Histogram<double> ClientLatency = DaprMeter.Latency("dapr_http_client_roundtrip_latency", "Time between first byte of request headers sent to last byte of response received, or terminal error.");
    private static readonly Counter<long> ClientCompleted = DaprMeter.Counter("dapr_http_client_completed_count", "Count of completed requests.");

    /// <summary>True when a metrics endpoint listens: callers skip measuring otherwise.</summary>
    public static bool Enabled => ServerLatency.Enabled || ClientLatency.Enabled;

    public static bool ServerEnabled => ServerLatency.Enabled;

    public static bool ClientEnabled => ClientLatency.Enabled;

    public static void ServerCompleted(string appId, string method, string path, int status, long requestBytes, long responseBytes, double elapsedMs)
    {
        var tags = new TagList { { "app_id", appId }, { "method", method }, { "path", path }, { "status", StatusText(status) } };
        ServerRequestCount.Add(1, tags);
        ServerResponseCount.Add(1, tags);
        ServerLatency.Record(elapsedMs, tags);
        var app = new KeyValuePair<string, object?>("app_id", appId);
        ServerRequestBytes.Record(requestBytes, app);
        ServerResponseBytes.Record(responseBytes, app);
    }

    public static void ClientCompletedCall(string appId, string method, string path, int status, long sentBytes, long receivedBytes, double elapsedMs)
    {
        var tags = new TagList { { "app_id", appId }, { "method", method }, { "path", path }, { "status", StatusText(status) } };
        ClientCompleted.Add(1, tags);
        ClientLatency.Record(elapsedMs, tags);
        ClientSentBytes.Record(sentBytes, tags);
        ClientReceivedBytes.Record(receivedBytes, new KeyValuePair<string, object?>("app_id", appId));
    }

    /// <summary>Status codes as label values without allocating for the common ones.</summary>
    private static string StatusText(int status) => status switch
    {
        200 => "200",
        201 => "201",
        204 => "204",
        400 => "400",
        403 => "403",
        404 => "404",
        409 => "409",
        500 => "500",
        0 => "", // no response: a transport failure
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
