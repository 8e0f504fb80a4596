using ActorRuntime.Gateway.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.Health;

/// <summary>Health and shutdown: <c>/v1.0/healthz</c>, <c>/v1.0/healthz/outbound</c>, <c>POST /v1.0/shutdown</c>.</summary>
public static class HealthHttpApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1.0/healthz", (HttpRequest request, RuntimeReadiness readiness, IOptions<GatewayOptions> options) =>
        {
            if (request.Query.TryGetValue("appid", out var appId) && appId.ToString() != options.Value.AppId)
                return DaprErrors.HealthAppIdNotMatch().ToResult();
            return readiness.Ready ? Results.NoContent() : DaprErrors.HealthNotReady().ToResult();
        });
        app.MapGet("/v1.0/healthz/outbound", (RuntimeReadiness readiness) =>
            readiness.OutboundReady ? Results.NoContent() : DaprErrors.HealthNotReady().ToResult());
        app.MapPost("/v1.0/shutdown", (HttpContext http, IHostApplicationLifetime lifetime) =>
        {
            // Answer first, then stop: the caller must see its 204 before the server goes away.
            http.Response.OnCompleted(() =>
            {
                lifetime.StopApplication();
                return Task.CompletedTask;
            });
            return Results.NoContent();
        });
        return app;
    }
}
