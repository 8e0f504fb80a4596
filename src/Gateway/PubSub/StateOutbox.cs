using System.Text.Json;
using System.Text.Json.Nodes;
using ActorRuntime.Components;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.State;
using ActorRuntime.Grains.PubSub.Outbox;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Dapr's transactional outbox on a state store with <c>outboxPublishPubsub</c>/<c>outboxPublishTopic</c>: every upsert
/// of a state transaction announces itself as a CloudEvent on that topic, after the transaction commits and never
/// without it. Unlike daprd (which publishes to an internal topic first and checks the state afterwards), the event is
/// written as an <see cref="OutboxRecord"/> in the same store transaction, and the store's <see cref="IOutboxGrain"/>
/// publishes and deletes it; a crash after the commit leaves the record, which is published after restart.
/// <para>An operation with metadata <c>outbox.projection: "true"</c> is not stored: its value is what is published for the
/// upsert of the same key (the app chooses the event; Dapr's issue 4233). <c>outbox.cloudevent.*</c> metadata overrides
/// the event's CloudEvent attributes (<c>id</c>, <c>source</c>, <c>type</c>, <c>subject</c>, or any extension; not <c>data</c>).</para>
/// </summary>
public sealed partial class StateOutbox(ComponentRegistry components, IGrainFactory grains, IOptions<GatewayOptions> options, TimeProvider time,
    ILogger<StateOutbox> logger)
{
    public const string ProjectionKey = "outbox.projection";
    private const string CloudEventPrefix = "outbox.cloudevent.";
    // Attributes the envelope writes itself; overrides of these go through the envelope, the rest are added as extensions.
    private static readonly HashSet<string> Standard = ["id", "source", "type", "subject", "specversion", "datacontenttype", "data", "data_base64",
        "topic", "pubsubname", "time", "traceparent", "traceid", "tracestate", "expiration"];

    /// <summary>What a transaction on an outbox store writes: the app's operations without projections, and the records.</summary>
    public sealed record Plan(IReadOnlyList<StateTransactionItem> Items, IReadOnlyList<(string StoredKey, byte[] Value)> Records);

    /// <summary>The store's outbox settings; null when it has none.</summary>
    /// <exception cref="DaprApiException">The store's outbox fields are wrong.</exception>
    public OutboxSettings? SettingsFor(string store)
    {
        if (!components.TryGetDefinition(store, out var definition)) return null;
        try
        {
            return OutboxSettings.From(definition);
        }
        catch (Components.Model.ComponentConfigurationException e)
        {
            throw DaprErrors.StateTransaction(e.Message).ToException();
        }
    }

    /// <exception cref="DaprApiException">A projection has no upsert of its key, or the outbox pub/sub is not loaded.</exception>
    /// <param name="resolve">The stored (prefixed) key of an app key: it names the record's state and orders its events.</param>
    public Plan Prepare(string store, OutboxSettings settings, IReadOnlyList<StateTransactionItem> items, Func<string, string> resolve)
    {
        if (!components.TryGetDefinition(settings.PublishPubSub, out var pubsub) || pubsub.Category != PubSubCatalogExtensions.Category)
            throw DaprErrors.StateTransaction($"outbox pub/sub {settings.PublishPubSub} of state store {store} is not loaded").ToException();
        var projections = new Dictionary<string, SaveStateItem>(StringComparer.Ordinal);
        var stored = new List<StateTransactionItem>();
        foreach (var item in items)
        {
            if (item.Save is { } save && IsProjection(save)) projections[save.Key] = save;
            else stored.Add(item);
        }
        foreach (var key in projections.Keys)
            if (!stored.Any(i => i.Save?.Key == key))
                throw DaprErrors.StateTransaction($"outbox projection for key {key} has no upsert of that key in the transaction", 400, StatusCode.InvalidArgument).ToException();
        var records = new List<(string, byte[])>();
        foreach (var save in stored.Select(i => i.Save).OfType<SaveStateItem>())
        {
            var projection = projections.GetValueOrDefault(save.Key);
            var ev = Event(settings, save, projection);
            var record = new OutboxRecord(pubsub.InstanceId, settings.PublishTopic, resolve(save.Key), ev);
            records.Add((OutboxRecord.NewKey(), record.ToBytes()));
        }
        return new Plan(stored, records);
    }

    /// <summary>After the commit: the store's outbox grain publishes now rather than at its next periodic kick.</summary>
    public void Committed(string store)
    {
        if (!components.TryGetDefinition(store, out var definition)) return;
        _ = grains.GetGrain<IOutboxGrain>(definition.InstanceId).Kick().ContinueWith(t => LogKickFailed(store, t.Exception!.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>The CloudEvent for one upsert: the projection's value when there is one, else the stored value.</summary>
    private byte[] Event(OutboxSettings settings, SaveStateItem save, SaveStateItem? projection)
    {
        var source = projection ?? save;
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var metadata in projection is null ? [save.Metadata] : new[] { save.Metadata, projection.Metadata })
            foreach (var (k, v) in metadata)
            {
                if (!k.StartsWith(CloudEventPrefix, StringComparison.Ordinal)) continue;
                var attribute = k[CloudEventPrefix.Length..];
                if (attribute is "data" or "data_base64" or "") continue; // reserved by Dapr
                if (Standard.Contains(attribute)) overrides["cloudevent." + attribute] = v;
                else extensions[attribute] = v;
            }
        var contentType = StateMetadata.ContentTypeOf(source.Metadata) ?? (IsJson(source.Value) ? "application/json" : "text/plain");
        var context = new CloudEventEnvelope.Context(options.Value.AppId, settings.PublishTopic, settings.PublishPubSub, "", "", time.GetUtcNow(), null, overrides);
        var wrapped = CloudEventEnvelope.Wrap(source.Value, contentType, context);
        if (extensions.Count == 0) return wrapped;
        var node = JsonNode.Parse(wrapped)!.AsObject();
        foreach (var (k, v) in extensions) node[k] = v;
        return JsonSerializer.SerializeToUtf8Bytes(node);
    }

    private static bool IsProjection(SaveStateItem save) =>
        save.Metadata.TryGetValue(ProjectionKey, out var v) && bool.TryParse(v, out var b) && b;

    private static bool IsJson(byte[] value)
    {
        try
        {
            using var _ = JsonDocument.Parse(value);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox of state store {Store}: could not start publishing now, the periodic pass will: {Error}")]
    private partial void LogKickFailed(string store, string error);
}
