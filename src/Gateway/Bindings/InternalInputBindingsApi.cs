using System.Text.Json;
using ActorRuntime.Components.Bindings;
using ActorRuntime.Grains.Bindings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>Binding grains on other silos deliver input events here: <c>POST /_actorrt/bindings/{name}</c>; 200 when the app took it, 422 when it failed it, 503 when this instance cannot take it.</summary>
public static class InternalInputBindingsApi
{
    public static IEndpointRouteBuilder MapInternalInputBindingsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(BindingDeliveryClient.InternalPrefix + "{name}", async (HttpContext http, string name, InputBindingDelivery delivery) =>
        {
            var wire = await JsonSerializer.DeserializeAsync<BindingDeliveryClient.Wire>(http.Request.Body, cancellationToken: http.RequestAborted);
            if (wire is null) return Results.BadRequest();
            try
            {
                var ok = await delivery.DeliverAsync(name, new BindingEvent(wire.Data, wire.Metadata), http.RequestAborted);
                return ok ? Results.Ok() : Results.StatusCode(StatusCodes.Status422UnprocessableEntity);
            }
            catch (HttpRequestException e)
            {
                return Results.Text(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return endpoints;
    }
}
