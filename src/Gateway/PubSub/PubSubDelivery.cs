using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ActorRuntime.Components.PubSub.Subscriptions;
using ActorRuntime.Components.Resiliency;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Health;
using ActorRuntime.Grains.PubSub;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Hands one event to this gateway's app, as daprd does: the subscription's route chosen by its rules, a
/// <c>POST</c> with <c>application/cloudevents+json</c>, the reply read by Dapr's contract, and failures retried by the
/// component's inbound resiliency policy (<c>targets.components.{name}.inbound</c>) before the outcome is returned.
/// </summary>
public sealed partial class PubSubDelivery(IAppChannel channel, GrpcTopicEvents grpc, AppSubscriptions subscriptions, RuntimeReadiness readiness,
    ResiliencyRegistry resiliency, TimeProvider time, PubSubBulkDelivery bulk, ILogger<PubSubDelivery> logger, Observability.GatewayMetrics metrics) : IPubSubDeliveryChannel
{
    /// <summary>A batch of a bulk subscription (see <see cref="PubSubBulkDelivery"/>).</summary>
    public Task<IReadOnlyList<DeliveryOutcome>> DeliverBulkAsync(string pubsubName, string topic, IReadOnlyList<BulkEntry> entries, CancellationToken ct) =>
        bulk.DeliverAsync(pubsubName, topic, entries, ct);

    /// <exception cref="HttpRequestException">The app is not serving: the event should go to another instance.</exception>
    public async Task<DeliveryOutcome> DeliverAsync(string pubsubName, string topic, byte[] data, CancellationToken ct)
    {
        if (!Components.Observability.ComponentMetrics.Enabled) return await DeliverCoreAsync(pubsubName, topic, data, ct);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var status = "retry";
        try
        {
            var outcome = await DeliverCoreAsync(pubsubName, topic, data, ct);
            status = outcome switch { DeliveryOutcome.Success => "success", DeliveryOutcome.Drop => "drop", _ => "retry" };
            return outcome;
        }
        finally
        {
            Components.Observability.ComponentMetrics.PubSubIngress(metrics.AppId, metrics.Namespace, pubsubName, topic, status,
                Components.Observability.DaprMeter.ElapsedMilliseconds(start));
        }
    }

    private async Task<DeliveryOutcome> DeliverCoreAsync(string pubsubName, string topic, byte[] data, CancellationToken ct)
    {
        if (!readiness.AppServing) throw new HttpRequestException("the app is not ready or not healthy");
        if (!subscriptions.TryGet(pubsubName, topic, out var subscription)) throw new HttpRequestException($"this app instance is not subscribed to {pubsubName}/{topic}");
        // A raw subscription takes the broker's bytes as they are, even when they look like a CloudEvent (as daprd does).
        var cloudEvent = subscription.RawPayload ? CloudEventEnvelope.WrapRaw(data, topic, pubsubName) : AsCloudEvent(data, pubsubName, topic);
        using var json = JsonDocument.Parse(cloudEvent);
        var root = json.RootElement;
        if (IsExpired(root))
        {
            LogExpired(topic, Id(root));
            return DeliveryOutcome.Success;
        }
        var route = subscription.RouteFor(root);
        if (route is null)
        {
            LogNoRoute(topic, Id(root));
            return DeliveryOutcome.Drop;
        }
        using var span = Tracing.DeliverySpan.Start(root, pubsubName, topic); // a child of the publisher's trace context
        var policy = resiliency.ForComponent(pubsubName, "pubsub", ResiliencyDirection.Inbound);
        try
        {
            return await policy.ExecuteAsync(c => SendAsync(route, cloudEvent, root, topic, c), o => o == DeliveryOutcome.Retry,
                e => e is not OperationCanceledException || !ct.IsCancellationRequested, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogDeliveryFailed(topic, Id(root), route, ex.Message);
            return DeliveryOutcome.Retry;
        }
    }

    private async Task<DeliveryOutcome> SendAsync(string route, byte[] cloudEvent, JsonElement root, string topic, CancellationToken ct)
    {
        using var slot = await channel.EnterAsync(ct);
        if (grpc.IsGrpcApp)
        {
            var outcome = await grpc.DeliverAsync(root, route, ct);
            if (outcome == DeliveryOutcome.Drop) LogDropped(topic, Id(root));
            return outcome;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(channel.BaseAddress, route)) { Content = new ByteArrayContent(cloudEvent) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventEnvelope.ContentType);
        if (root.TryGetProperty("traceparent", out var tp) && tp.ValueKind == JsonValueKind.String && tp.GetString() is { Length: > 0 } traceparent)
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        using var response = await channel.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            LogRouteNotFound(topic, Id(root), route);
            return DeliveryOutcome.Drop;
        }
        if ((int)response.StatusCode is < 200 or > 299)
        {
            LogAppFailed(topic, Id(root), route, (int)response.StatusCode);
            return DeliveryOutcome.Retry;
        }
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        var status = ReadStatus(body);
        switch (status)
        {
            case null or "" or "SUCCESS":
                return DeliveryOutcome.Success;
            case "DROP":
                LogDropped(topic, Id(root));
                return DeliveryOutcome.Drop;
            case "RETRY":
                return DeliveryOutcome.Retry;
            default:
                LogUnknownStatus(topic, Id(root), status);
                return DeliveryOutcome.Retry;
        }
    }

    /// <summary>The <c>status</c> of a JSON reply, upper-cased; null for an empty body, a body that is not JSON, or no status.</summary>
    internal static string? ReadStatus(byte[] body)
    {
        if (body.Length == 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()!.ToUpperInvariant()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The stored bytes when they are a CloudEvent (a JSON object with <c>specversion</c>), else daprd's raw wrapper.</summary>
    internal static byte[] AsCloudEvent(byte[] data, string pubsubName, string topic)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                using var doc = JsonDocument.Parse(data);
                if (doc.RootElement.TryGetProperty("specversion", out _)) return data;
            }
        }
        catch (JsonException)
        {
            // not JSON: a raw payload
        }
        return CloudEventEnvelope.WrapRaw(data, topic, pubsubName);
    }

    private bool IsExpired(JsonElement root) => CloudEventEnvelope.IsExpired(root, time.GetUtcNow());

    private static string Id(JsonElement root) => root.TryGetProperty("id", out var id) ? id.ToString() : "";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: event {Id} of topic {Topic} expired before delivery and is dropped")]
    private partial void LogExpired(string topic, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: event {Id} of topic {Topic} matches no route and has no default route; dropped")]
    private partial void LogNoRoute(string topic, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pub/sub: the app answered 404 for event {Id} of topic {Topic} on {Route}; dropped")]
    private partial void LogRouteNotFound(string topic, string id, string route);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: the app answered {Status} for event {Id} of topic {Topic} on {Route}; retrying")]
    private partial void LogAppFailed(string topic, string id, string route, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: the app asked to drop event {Id} of topic {Topic}")]
    private partial void LogDropped(string topic, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: the app answered unknown status '{Status}' for event {Id} of topic {Topic}; retrying")]
    private partial void LogUnknownStatus(string topic, string id, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pub/sub: delivering event {Id} of topic {Topic} to {Route} failed: {Error}")]
    private partial void LogDeliveryFailed(string topic, string id, string route, string error);
}
