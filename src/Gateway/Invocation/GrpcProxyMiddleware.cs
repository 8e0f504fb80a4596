using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// Dapr's gRPC proxying: a native gRPC call (any service but Dapr's own) arriving on the gRPC port with
/// <c>dapr-app-id</c> metadata goes, frames and trailers untouched, to that app's gRPC server through its gateway.
/// Streams are never buffered, so they are never retried once started.
/// </summary>
internal sealed class GrpcProxyMiddleware(RequestDelegate next, ServiceInvoker invoker)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        if (!request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) ?? true) { await next(http); return; }
        var appId = request.Headers[InvocationHeaders.AppId].ToString();
        if (appId.Length == 0 || request.Path.StartsWithSegments("/dapr.proto.runtime.v1.Dapr")) { await next(http); return; }
        var target = InvocationTarget.Parse(appId);
        if (target is null || target.ExternalBase is not null)
        {
            await InternalInvocationApi.WriteGatewayErrorAsync(http, DaprErrors.DirectInvoke(appId, "invalid app id", 400, global::Grpc.Core.StatusCode.InvalidArgument));
            return;
        }
        request.Headers.Remove(InvocationHeaders.AppId);
        var traceparent = http.Items[TraceContextMiddleware.ItemKey] as string ?? "";
        try
        {
            using var response = await invoker.InvokeAsync(target, InvocationHttpApi.RawTarget(http),
                uri => HttpForwarding.CopyRequest(request, uri, ServiceInvoker.PeerVersion), traceparent, http.RequestAborted);
            await HttpForwarding.CopyResponseAsync(response, http.Response, http.RequestAborted);
        }
        catch (DaprApiException e)
        {
            await InternalInvocationApi.WriteGatewayErrorAsync(http, e.Error);
        }
        catch (HttpRequestException e) when (!http.RequestAborted.IsCancellationRequested)
        {
            await InternalInvocationApi.WriteGatewayErrorAsync(http, DaprErrors.DirectInvoke(appId, e.Message, 500, global::Grpc.Core.StatusCode.Unavailable));
        }
    }
}
