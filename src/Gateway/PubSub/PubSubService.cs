using System.Globalization;
using ActorRuntime.Components;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Grains.PubSub;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Publishing, shared by HTTP and gRPC: checks the request as daprd does, wraps the payload in a CloudEvent (unless
/// <c>rawPayload</c>), and returns once the broker holds the event. Errors come out as <see cref="DaprApiException"/>.
/// </summary>
public sealed class PubSubService(IGrainFactory grains, ComponentRegistry components, IOptions<GatewayOptions> options, TimeProvider time)
{
    private readonly GatewayOptions _options = options.Value;

    /// <summary>One publish request as both protocols carry it.</summary>
    public sealed record PublishRequest(string PubSubName, string Topic, ReadOnlyMemory<byte> Data, string? ContentType,
        IReadOnlyDictionary<string, string> Metadata, string TraceParent, string TraceState);

    public async Task PublishAsync(PublishRequest request, CancellationToken ct)
    {
        var definition = Resolve(request.PubSubName, request.Topic);
        var (data, partitionKey) = Build(request);
        try
        {
            await grains.GetGrain<IPubSubPublisherGrain>(definition.InstanceId).Publish(request.Topic, data, partitionKey, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw DaprErrors.PubSubPublish(request.Topic, request.PubSubName, ex.Message).ToException();
        }
    }

    /// <summary>The component <paramref name="pubsub"/>, checked for a publish to <paramref name="topic"/>.</summary>
    internal Components.Model.ComponentDefinition Resolve(string pubsub, string topic)
    {
        if (string.IsNullOrEmpty(pubsub)) throw DaprErrors.PubSubEmpty().ToException();
        if (components.Count(PubSubCatalogExtensions.Category) == 0) throw DaprErrors.PubSubNotConfigured().ToException();
        if (!components.TryGetDefinition(pubsub, out var definition) || definition.Category != PubSubCatalogExtensions.Category)
            throw DaprErrors.PubSubNotFound(pubsub).ToException();
        if (string.IsNullOrEmpty(topic)) throw DaprErrors.TopicEmpty(pubsub).ToException();
        if (!TopicScopes.For(definition).MayPublish(_options.AppId, topic))
            throw DaprErrors.PubSubForbidden(topic, pubsub, _options.AppId).ToException();
        return definition;
    }

    private (byte[] Data, string? PartitionKey) Build(PublishRequest r)
    {
        var metadata = r.Metadata;
        metadata.TryGetValue("partitionKey", out var partitionKey);
        if (IsTrue(metadata, "rawPayload", r)) return (r.Data.ToArray(), NullIfEmpty(partitionKey));
        TimeSpan? ttl = null;
        if (metadata.TryGetValue("ttlInSeconds", out var ttlText) && ttlText.Length > 0)
        {
            if (!long.TryParse(ttlText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
                throw DaprErrors.PubSubRequestMetadata($"ttlInSeconds must be a non-negative integer, not '{ttlText}'").ToException();
            ttl = TimeSpan.FromSeconds(seconds);
        }
        var context = new CloudEventEnvelope.Context(_options.AppId, r.Topic, r.PubSubName, r.TraceParent, r.TraceState, time.GetUtcNow(), ttl, metadata);
        try
        {
            var data = CloudEventEnvelope.IsCloudEvent(r.ContentType)
                ? CloudEventEnvelope.Complete(r.Data.Span, context)
                : CloudEventEnvelope.Wrap(r.Data.Span, r.ContentType, context);
            return (data, NullIfEmpty(partitionKey));
        }
        catch (FormatException e)
        {
            throw DaprErrors.PubSubCloudEventsSer(r.Topic, r.PubSubName, e.Message).ToException();
        }
    }

    private static bool IsTrue(IReadOnlyDictionary<string, string> metadata, string name, PublishRequest r)
    {
        if (!metadata.TryGetValue(name, out var v) || v.Length == 0) return false;
        return bool.TryParse(v, out var b) ? b : throw DaprErrors.PubSubRequestMetadata($"{name} must be true or false, not '{v}'").ToException();
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
