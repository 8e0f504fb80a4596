using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Grpc;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Http;
using ActorRuntime.Gateway.Metadata;
using ActorRuntime.Gateway.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Hosting;

public static class GatewayEndpointExtensions
{
    /// <summary>
    /// The HTTP pipeline, in stages: path clean-up, trace context, Dapr error shaping, the API token check, routing,
    /// then every building block's endpoints.
    /// </summary>
    public static WebApplication UseActorRuntimeGateway(this WebApplication app)
    {
        app.UseMiddleware<TrailingSlashMiddleware>();
        app.UseMiddleware<TraceContextMiddleware>();
        app.UseMiddleware<DaprErrorMiddleware>();
        app.UseMiddleware<ApiTokenMiddleware>();
        app.UseRouting(); // explicitly after the path rewrite, so routes see the cleaned path
        app.MapDaprApi();
        return app;
    }

    public static IEndpointRouteBuilder MapDaprApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthApi();
        endpoints.MapMetadataApi();
        endpoints.MapStateApi();
        endpoints.MapGrpcService<DaprGrpcService>();
        // Unknown /v1.0 routes get Dapr's 404 body rather than an empty one.
        endpoints.MapFallback("/v1.0/{*rest}", (HttpContext http) => DaprErrors.ApiNotFound(http.Request.Path).ToResult());
        return endpoints;
    }
}
