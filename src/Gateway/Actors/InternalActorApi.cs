using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Gateway.Invocation;
using ActorRuntime.Grains.Actors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Actors;

/// <summary>Actor grains call the hosting app through here: <c>/_actorrt/actors/{type}/{id}/...</c> becomes <c>/actors/{type}/{id}/...</c> on the app.</summary>
public static class InternalActorApi
{
    public static IEndpointRouteBuilder MapInternalActorApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map(ActorAppClient.InternalPrefix + "{type}/{id}/{**rest}", async (HttpContext http, IAppChannel channel, RuntimeReadiness readiness) =>
        {
            if (!readiness.AppServing)
            {
                await InternalInvocationApi.WriteGatewayErrorAsync(http, DaprErrors.DirectInvoke("actors", "the app is not ready or not healthy", 503, global::Grpc.Core.StatusCode.Unavailable));
                return;
            }
            var raw = InvocationHttpApi.RawTarget(http);
            await InternalInvocationApi.ForwardToAppAsync(http, channel, "/actors/" + raw[ActorAppClient.InternalPrefix.Length..], "actors");
        });
        return endpoints;
    }
}
