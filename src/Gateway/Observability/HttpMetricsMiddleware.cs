using System.Diagnostics;
using ActorRuntime.Components.Observability;
using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Observability;

/// <summary>
/// Records Dapr's <c>dapr_http_server_*</c> metrics for each request on the HTTP API port. gRPC calls on the gRPC port
/// are left to <see cref="GrpcMetricsInterceptor"/>, as daprd reports them as gRPC metrics. Does nothing (one branch)
/// while no metrics endpoint listens.
/// </summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMetrics.ServerEnabled || http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            await next(http);
            return;
        }
        var start = Stopwatch.GetTimestamp();
        // The path before any rewrite (dapr-app-id header invocation, trailing slash) is what the caller asked for.
        var path = http.Request.Path.Value ?? "";
        var method = http.Request.Method;
        var body = http.Response.Body;
        var counting = new CountingStream(body);
        http.Response.Body = counting;
        var status = 500;
        try
        {
            await next(http);
            status = http.Response.StatusCode;
        }
        finally
        {
            http.Response.Body = body;
            HttpMetrics.ServerCompleted(metrics.AppId, metrics.Labels.Method(method), metrics.Labels.Path(path), status,
                http.Request.ContentLength ?? 0, http.Response.ContentLength ?? counting.Written, DaprMeter.ElapsedMilliseconds(start));
        }
    }
}
