using ActorRuntime.Grains.PubSub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>Subscription grains on other silos deliver here: <c>POST /_actorrt/pubsub/{pubsub}/{topic}</c>, answered with the outcome's name,
/// and batches of bulk subscriptions to <c>/_actorrt/pubsub-bulk/{pubsub}/{topic}</c>, answered with one outcome name per entry.</summary>
public static class InternalPubSubApi
{
    public static IEndpointRouteBuilder MapInternalPubSubApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(PubSubDeliveryClient.InternalPrefix + "{pubsubName}/{**topic}", async (HttpContext http, string pubsubName, string topic, PubSubDelivery delivery) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            try
            {
                // A streaming subscription of this gateway is its own subscriber; anything else is for the app.
                IPubSubDeliveryChannel target = PubSubDeliveryClient.TryGetLocal(http.Request.Headers[PubSubDeliveryClient.InstanceHeader].ToString(), out var stream)
                    && stream is not PubSubDelivery ? stream : delivery;
                var outcome = await target.DeliverAsync(pubsubName, Uri.UnescapeDataString(topic), buffer.ToArray(), http.RequestAborted);
                return Results.Text(outcome.ToString());
            }
            catch (HttpRequestException e)
            {
                return Results.Text(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        endpoints.MapPost(PubSubDeliveryClient.InternalBulkPrefix + "{pubsubName}/{**topic}", async (HttpContext http, string pubsubName, string topic, PubSubDelivery delivery) =>
        {
            var entries = await PubSubDeliveryClient.ReadBulkAsync(http.Request.Body, http.RequestAborted);
            try
            {
                IPubSubDeliveryChannel target = PubSubDeliveryClient.TryGetLocal(http.Request.Headers[PubSubDeliveryClient.InstanceHeader].ToString(), out var stream)
                    && stream is not PubSubDelivery ? stream : delivery;
                var outcomes = await target.DeliverBulkAsync(pubsubName, Uri.UnescapeDataString(topic), entries, http.RequestAborted);
                return Results.Json(outcomes.Select(o => o.ToString()).ToArray());
            }
            catch (HttpRequestException e)
            {
                return Results.Text(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return endpoints;
    }
}
