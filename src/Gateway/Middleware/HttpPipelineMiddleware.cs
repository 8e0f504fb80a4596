using ActorRuntime.Components.Middleware;
using Microsoft.AspNetCore.Http;

namespace ActorRuntime.Gateway.Middleware;

/// <summary>
/// Runs <c>spec.httpPipeline</c> on each HTTP API request, after the API token check and before routing, so a
/// rewrite (routeralias) decides which endpoint answers. gRPC requests are not HTTP API calls and pass by, as in
/// daprd. Health probes pass by too: they carry no credentials, and SDKs and supervisors wait on them.
/// A rejection is answered as Dapr's middleware answers: the status and a short <c>text/plain</c> message.
/// </summary>
internal sealed class HttpPipelineMiddleware(RequestDelegate next, HttpPipelines pipelines)
{
    private readonly HttpMiddlewarePipeline _pipeline = pipelines.Api;

    public async Task InvokeAsync(HttpContext context)
    {
        if (_pipeline.IsEmpty || IsGrpc(context.Request) || IsHealthProbe(context.Request))
        {
            await next(context);
            return;
        }
        if (await _pipeline.RunAsync(new HttpContextMiddlewareRequest(context), context.RequestAborted) is { } rejection)
        {
            context.Response.StatusCode = rejection.StatusCode;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(rejection.Message, context.RequestAborted);
            return;
        }
        await next(context);
    }

    private static bool IsGrpc(HttpRequest r) => r.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static bool IsHealthProbe(HttpRequest r) =>
        HttpMethods.IsGet(r.Method) && (r.Path.Equals("/v1.0/healthz") || r.Path.Equals("/v1.0/healthz/outbound"));
}
