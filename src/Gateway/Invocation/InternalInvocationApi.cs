using ActorRuntime.Components.Configuration;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Invocation;

/// <summary>
/// The callee's side, on the internal port: checks access control (<c>spec.accessControl</c> of this app's
/// Configuration) on the caller's identity (<see cref="CallerIdentity"/>) and hands the call to the app channel. Errors made here, not by the app, are marked
/// <see cref="InvocationHeaders.GatewayError"/> so the caller's gateway can tell them apart.
/// </summary>
public static class InternalInvocationApi
{
    public static IEndpointRouteBuilder MapInternalInvocationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(InvocationHeaders.InternalInvokePrefix + "{appId}/{**method}", HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext http, string appId, IAppChannel channel, AccessControlPolicy acl,
        RuntimeReadiness readiness, IOptions<GatewayOptions> options)
    {
        var raw = InvocationHttpApi.RawTarget(http);
        var method = raw[(InvocationHeaders.InternalInvokePrefix.Length + Uri.EscapeDataString(appId).Length)..];
        if (appId != options.Value.AppId)
        {
            await WriteGatewayErrorAsync(http, DaprErrors.DirectInvoke(appId, $"this gateway serves app {options.Value.AppId}, not {appId}", 404));
            return;
        }
        if (!readiness.AppServing)
        {
            await WriteGatewayErrorAsync(http, DaprErrors.DirectInvoke(appId, "the app is not ready or not healthy", 503, global::Grpc.Core.StatusCode.Unavailable));
            return;
        }
        var caller = CallerIdentity.Resolve(http); // from the verified certificate with mTLS on, never from a header then
        var q = method.IndexOf('?');
        var operation = q >= 0 ? method[..q] : method;
        var decision = acl.Check(caller.AppId, caller.Namespace, caller.TrustDomain, http.Request.Method, operation);
        if (!decision.Allowed)
        {
            await WriteGatewayErrorAsync(http, DaprErrors.AccessDenied(appId, caller.AppId, operation, http.Request.Method));
            return;
        }
        await ForwardToAppAsync(http, channel, method, appId);
    }

    /// <summary>Sends the request as it came (verb, headers, body) to the app at <paramref name="pathAndQuery"/> and streams the answer back.</summary>
    internal static async Task ForwardToAppAsync(HttpContext http, IAppChannel channel, string pathAndQuery, string appId)
    {
        var ct = http.RequestAborted;
        using var slot = await channel.EnterAsync(ct);
        var request = HttpForwarding.CopyRequest(http.Request, new Uri(channel.BaseAddress, pathAndQuery), channel.HttpVersion);
        if (http.Items[Http.TraceContextMiddleware.ItemKey] is string traceparent)
        {
            request.Headers.Remove(Http.TraceContextMiddleware.TraceParent);
            request.Headers.TryAddWithoutValidation(Http.TraceContextMiddleware.TraceParent, traceparent);
        }
        HttpResponseMessage response;
        try
        {
            response = await channel.SendAsync(request, ct);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            await WriteGatewayErrorAsync(http, DaprErrors.DirectInvoke(appId, $"the app did not answer: {e.Message}"));
            return;
        }
        using (response) await HttpForwarding.CopyResponseAsync(response, http.Response, ct);
    }

    internal static Task WriteGatewayErrorAsync(HttpContext http, DaprError error)
    {
        http.Response.Headers[InvocationHeaders.GatewayError] = "1";
        error = ErrorSanitizer.Sanitize(error, http.ErrorLogger());
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/grpc";
            http.Response.AppendTrailer("grpc-status", ((int)error.GrpcStatus).ToString(System.Globalization.CultureInfo.InvariantCulture));
            http.Response.AppendTrailer("grpc-message", error.Message);
            return Task.CompletedTask;
        }
        return http.Response.WriteDaprErrorAsync(error);
    }
}
