using ActorRuntime.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>Dapr's publish HTTP API: <c>POST|PUT /v1.0/publish/{pubsub}/{topic}</c> with <c>?metadata.*</c>.</summary>
public static class PubSubHttpApi
{
    public static IEndpointRouteBuilder MapPubSubApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/v1.0/publish/{pubsubName}/{**topic}", ["POST", "PUT"], PublishAsync);
        // An empty topic still reaches the handler, so the answer is Dapr's error rather than a bare 404.
        app.MapMethods("/v1.0/publish/{pubsubName}", ["POST", "PUT"], (HttpContext http, string pubsubName, PubSubService pubsub) => PublishAsync(http, pubsubName, "", pubsub));
        app.MapMethods("/v1.0-alpha1/publish/bulk/{pubsubName}/{**topic}", ["POST", "PUT"], BulkPublishAsync);
        app.MapMethods("/v1.0/publish/bulk/{pubsubName}/{**topic}", ["POST", "PUT"], BulkPublishAsync);
        return app;
    }

    private static async Task<IResult> BulkPublishAsync(HttpContext http, string pubsubName, string? topic, PubSubService pubsub)
    {
        pubsub.Resolve(pubsubName, topic ?? "");
        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        var entries = BulkPublishJson.Parse(body, topic!, pubsubName);
        var failed = await pubsub.BulkPublishAsync(pubsubName, topic!, entries, HttpRequestMetadata.FromQuery(http.Request),
            http.Items[TraceContextMiddleware.ItemKey] as string ?? "", http.Request.Headers[TraceContextMiddleware.TraceState].ToString(), http.RequestAborted);
        return failed.Count == 0 ? Results.NoContent() : Results.Text(System.Text.Encoding.UTF8.GetString(BulkPublishJson.Failure(failed)), "application/json", System.Text.Encoding.UTF8, StatusCodes.Status500InternalServerError);
    }

    private static async Task<IResult> PublishAsync(HttpContext http, string pubsubName, string? topic, PubSubService pubsub)
    {
        pubsub.Resolve(pubsubName, topic ?? ""); // before reading the body: a bad target is reported first
        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        var traceparent = http.Items[TraceContextMiddleware.ItemKey] as string ?? "";
        var request = new PubSubService.PublishRequest(pubsubName, topic ?? "", body, http.Request.ContentType,
            HttpRequestMetadata.FromQuery(http.Request), traceparent, http.Request.Headers[TraceContextMiddleware.TraceState].ToString());
        await pubsub.PublishAsync(request, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
