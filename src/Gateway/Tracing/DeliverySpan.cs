using System.Diagnostics;
using System.Text.Json;

namespace ActorRuntime.Gateway.Tracing;

/// <summary>
/// The span of one pub/sub delivery to the app: a consumer span whose parent is the trace context the publisher left in
/// the CloudEvent (<c>traceparent</c>, <c>tracestate</c>), so publish and delivery are one trace however long the event
/// waited in the broker. The HTTP call to the app is its child.
/// </summary>
internal static class DeliverySpan
{
    public const string NamePrefix = "process ";

    public static Activity? Start(JsonElement cloudEvent, string pubsubName, string topic)
    {
        if (!RuntimeTelemetry.Source.HasListeners()) return null;
        var traceparent = Text(cloudEvent, "traceparent") ?? Text(cloudEvent, "traceid");
        ActivityContext.TryParse(traceparent, Text(cloudEvent, "tracestate"), isRemote: true, out var parent);
        var activity = RuntimeTelemetry.Source.StartActivity(NamePrefix + topic, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "dapr");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", topic);
            activity.SetTag("dapr.pubsub", pubsubName);
            if (Text(cloudEvent, "id") is { } id) activity.SetTag("messaging.message.id", id);
        }
        return activity;
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
