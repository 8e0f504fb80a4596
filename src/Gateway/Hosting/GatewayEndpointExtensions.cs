using ActorRuntime.Gateway.Actors;
using ActorRuntime.Gateway.Bindings;
using ActorRuntime.Gateway.Configuration;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Grpc;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Http;
using ActorRuntime.Gateway.Invocation;
using ActorRuntime.Gateway.Metadata;
using ActorRuntime.Gateway.Secrets;
using ActorRuntime.Gateway.PubSub;
using ActorRuntime.Gateway.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Hosting;

public static class GatewayEndpointExtensions
{
    /// <summary>
    /// Two pipelines. The internal port (calls from other gateways and grains) gets the cluster credential check, trace
    /// context and the internal endpoints only.
    /// The API ports get, in stages: path clean-up, trace context, Dapr error shaping, the API token check, gRPC
    /// proxying and <c>dapr-app-id</c> header invocation, routing, then every building block's endpoints.
    /// </summary>
    public static WebApplication UseActorRuntimeGateway(this WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<GatewayEndpoints>();
        app.Services.GetRequiredService<Middleware.HttpPipelines>(); // a pipeline naming a missing component stops start-up here
        var tracing = app.Services.GetRequiredService<Tracing.GatewayTracing>(); // spec.tracing: spans from the first request on
        app.Lifetime.ApplicationStopped.Register(tracing.Flush);
        // Read per request: an internal port bound as 0 gets its number once the server has started.
        app.MapWhen(http => http.Connection.LocalPort == endpoints.InternalPort, inner =>
        {
            inner.UseMiddleware<ClusterCredentialMiddleware>();
            inner.UseMiddleware<TraceContextMiddleware>();
            inner.UseRouting();
            inner.UseEndpoints(e => e.MapInternalApi());
        });
        app.UseMiddleware<Observability.HttpMetricsMiddleware>();
        app.UseMiddleware<TrailingSlashMiddleware>();
        app.UseMiddleware<TraceContextMiddleware>();
        app.UseMiddleware<DaprErrorMiddleware>();
        app.UseMiddleware<ApiTokenMiddleware>();
        app.UseMiddleware<Middleware.HttpPipelineMiddleware>(); // spec.httpPipeline; before routing, so aliases pick the endpoint
        app.UseMiddleware<GrpcProxyMiddleware>();
        app.UseAppIdHeaderInvocation();
        app.UseRouting(); // explicitly after the path rewrite, so routes see the cleaned path
        app.MapDaprApi();
        return app;
    }

    public static IEndpointRouteBuilder MapDaprApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthApi();
        endpoints.MapMetadataApi();
        endpoints.MapStateApi();
        endpoints.MapInvocationApi();
        endpoints.MapActorsApi();
        endpoints.MapSecretsApi();
        endpoints.MapConfigurationApi();
        endpoints.MapPubSubApi();
        endpoints.MapBindingsApi();
        endpoints.MapGrpcService<DaprGrpcService>();
        // Unknown /v1.0 routes get Dapr's 404 body rather than an empty one.
        endpoints.MapFallback("/v1.0/{*rest}", (HttpContext http) => DaprErrors.ApiNotFound(http.Request.Path).ToResult());
        return endpoints;
    }

    /// <summary>What other gateways and actor grains may call: invocations and actor calls for this app.</summary>
    public static IEndpointRouteBuilder MapInternalApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapInternalInvocationApi();
        endpoints.MapInternalActorApi();
        endpoints.MapInternalPubSubApi();
        Bindings.InternalInputBindingsApi.MapInternalInputBindingsApi(endpoints);
        return endpoints;
    }
}
