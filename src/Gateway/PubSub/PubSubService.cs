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
public sealed class PubSubService(IGrainFactory grains, ComponentRegistry components, IOptions<GatewayOptions> options, TimeProvider time,
    Observability.GatewayMetrics metrics)
{
    private readonly GatewayOptions _options = options.Value;

    /// <summary>One publish request as both protocols carry it.</summary>
    public sealed record PublishRequest(string PubSubName, string Topic, ReadOnlyMemory<byte> Data, string? ContentType,
        IReadOnlyDictionary<string, string> Metadata, string TraceParent, string TraceState);

    public Task PublishAsync(PublishRequest request, CancellationToken ct) =>
        Components.Observability.ComponentMetrics.Enabled
            ? metrics.Publish(request.PubSubName, request.Topic, PublishCoreAsync(request, ct))
            : PublishCoreAsync(request, ct);

    private async Task PublishCoreAsync(PublishRequest request, CancellationToken ct)
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

    /// <summary>One entry of a bulk publish.</summary>
    public sealed record BulkEntry(string EntryId, ReadOnlyMemory<byte> Event, string? ContentType, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>An entry that was not published, and why.</summary>
    public sealed record FailedEntry(string EntryId, string Error);

    /// <summary>
    /// Publishes every entry; returns those that failed (empty: all are in the broker). Entries that share a partition
    /// key are published one after another in request order, so their order holds; the others in parallel.
    /// </summary>
    public async Task<IReadOnlyList<FailedEntry>> BulkPublishAsync(string pubsub, string topic, IReadOnlyList<BulkEntry> entries,
        IReadOnlyDictionary<string, string> metadata, string traceParent, string traceState, CancellationToken ct)
    {
        var definition = Resolve(pubsub, topic);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (string.IsNullOrEmpty(e.EntryId)) throw DaprErrors.PubSubEventsSer(topic, pubsub, "every entry needs an entryId").ToException();
            if (!ids.Add(e.EntryId)) throw DaprErrors.PubSubEventsSer(topic, pubsub, $"entryId {e.EntryId} is duplicated").ToException();
        }
        var built = entries.Select(e =>
        {
            var merged = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
            foreach (var (k, v) in e.Metadata) merged[k] = v;
            return (Entry: e, Message: Build(new PublishRequest(pubsub, topic, e.Event, e.ContentType, merged, traceParent, traceState)));
        }).ToList();
        var publisher = grains.GetGrain<IPubSubPublisherGrain>(definition.InstanceId);
        var failed = new System.Collections.Concurrent.ConcurrentBag<FailedEntry>();
        await Task.WhenAll(built.GroupBy(b => b.Message.PartitionKey ?? "\0" + b.Entry.EntryId).Select(async group =>
        {
            foreach (var (entry, (data, key)) in group)
            {
                try { await publisher.Publish(topic, data, key, ct); }
                catch (Exception ex) when (ex is not OperationCanceledException) { failed.Add(new FailedEntry(entry.EntryId, ex.Message)); }
            }
        }));
        return [.. failed.OrderBy(f => f.EntryId, StringComparer.Ordinal)];
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
