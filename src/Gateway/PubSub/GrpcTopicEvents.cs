using System.Text;
using System.Text.Json;
using ActorRuntime.Components.PubSub.Subscriptions;
using ActorRuntime.Gateway.AppChannel;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Callback = Dapr.AppCallback.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Pub/sub with an app served over gRPC (<c>--app-protocol grpc|grpcs</c>): subscriptions from
/// <c>AppCallback.ListTopicSubscriptions</c>, events through <c>AppCallback.OnTopicEvent</c>, whose
/// <c>TopicEventResponse.status</c> (SUCCESS, RETRY, DROP) is the reply. Null <see cref="IsGrpcApp"/> for HTTP apps.
/// </summary>
public sealed class GrpcTopicEvents
{
    private const string Service = "dapr.proto.runtime.v1.AppCallback";
    private static readonly Method<Empty, Callback.ListTopicSubscriptionsResponse> ListMethod =
        AppCallbackClient.Unary(Service, "ListTopicSubscriptions", Empty.Parser, Callback.ListTopicSubscriptionsResponse.Parser);
    private static readonly Method<Callback.TopicEventRequest, Callback.TopicEventResponse> OnTopicEventMethod =
        AppCallbackClient.Unary(Service, "OnTopicEvent", Callback.TopicEventRequest.Parser, Callback.TopicEventResponse.Parser);
    private static readonly Method<Callback.TopicEventBulkRequest, Callback.TopicEventBulkResponse> OnBulkTopicEventMethod =
        AppCallbackClient.Unary("dapr.proto.runtime.v1.AppCallbackAlpha", "OnBulkTopicEventAlpha1", Callback.TopicEventBulkRequest.Parser, Callback.TopicEventBulkResponse.Parser);
    // CloudEvent attributes that have their own field in TopicEventRequest; the rest go to extensions.
    private static readonly HashSet<string> Fields = ["id", "source", "type", "specversion", "datacontenttype", "data", "data_base64", "topic", "pubsubname"];

    // The app channel's own gRPC channel and token interceptor: one connection pool and one place that adds APP_API_TOKEN.
    private readonly CallInvoker? _app;

    public GrpcTopicEvents(IAppChannel channel) => _app = (channel as GrpcAppChannel)?.Invoker;

    public bool IsGrpcApp => _app is not null;

    /// <summary>The app's subscriptions; none when it does not implement the method.</summary>
    public async Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken ct)
    {
        try
        {
            var answer = await Invoker.AsyncUnaryCall(ListMethod, null, Options(ct), new Empty());
            return [.. answer.Subscriptions.Select(ToSubscription)];
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            return [];
        }
    }

    public async Task<Grains.PubSub.DeliveryOutcome> DeliverAsync(JsonElement cloudEvent, string path, CancellationToken ct)
    {
        var request = ToRequest(cloudEvent, path);
        var answer = await Invoker.AsyncUnaryCall(OnTopicEventMethod, null, Options(ct), request);
        return ToOutcome(answer.Status);
    }

    /// <summary>
    /// A bulk batch through <c>AppCallbackAlpha.OnBulkTopicEventAlpha1</c>, as daprd sends it: each entry's CloudEvent
    /// (or raw bytes), one status per entry in the reply; an entry the reply leaves out is retried. An app without the
    /// method (Unimplemented) cannot take the batch: its entries are dropped, as daprd drops events an app has no handler for.
    /// </summary>
    internal async Task<Grains.PubSub.DeliveryOutcome[]> DeliverBulkAsync(string pubsubName, string topic, string path,
        IReadOnlyList<BulkSubscribeEnvelope.Entry> entries, CancellationToken ct)
    {
        var request = new Callback.TopicEventBulkRequest
        {
            Id = Guid.NewGuid().ToString(),
            PubsubName = pubsubName,
            Topic = topic,
            Path = path,
            Type = BulkSubscribeEnvelope.EventType,
        };
        request.Metadata["pubsubName"] = pubsubName;
        foreach (var e in entries)
        {
            var entry = new Callback.TopicEventBulkRequestEntry { EntryId = e.EntryId };
            if (e.CloudEvent is { } ce)
            {
                var single = ToRequest(ce, path);
                entry.CloudEvent = new Callback.TopicEventCERequest
                {
                    Id = single.Id, Source = single.Source, Type = single.Type, SpecVersion = single.SpecVersion,
                    DataContentType = single.DataContentType, Data = single.Data, Extensions = single.Extensions,
                };
                entry.ContentType = CloudEventEnvelope.ContentType;
            }
            else
            {
                entry.Bytes = ByteString.CopyFrom(e.Raw ?? []);
                entry.ContentType = "application/octet-stream";
            }
            request.Entries.Add(entry);
        }
        Callback.TopicEventBulkResponse answer;
        try
        {
            answer = await Invoker.AsyncUnaryCall(OnBulkTopicEventMethod, null, Options(ct), request);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            return [.. entries.Select(_ => Grains.PubSub.DeliveryOutcome.Drop)];
        }
        var statuses = new Dictionary<string, Callback.TopicEventResponse.Types.TopicEventResponseStatus>(StringComparer.Ordinal);
        foreach (var s in answer.Statuses) statuses[s.EntryId] = s.Status;
        return [.. entries.Select(e => statuses.TryGetValue(e.EntryId, out var st) ? ToOutcome(st) : Grains.PubSub.DeliveryOutcome.Retry)];
    }

    /// <summary>An event as gRPC apps and streaming subscribers get it.</summary>
    internal static Callback.TopicEventRequest ToRequest(JsonElement cloudEvent, string path)
    {
        var request = new Callback.TopicEventRequest
        {
            Id = Text(cloudEvent, "id"),
            Source = Text(cloudEvent, "source"),
            Type = Text(cloudEvent, "type"),
            SpecVersion = Text(cloudEvent, "specversion"),
            DataContentType = Text(cloudEvent, "datacontenttype"),
            Topic = Text(cloudEvent, "topic"),
            PubsubName = Text(cloudEvent, "pubsubname"),
            Path = path,
            Data = ByteString.CopyFrom(Data(cloudEvent)),
            Extensions = new Struct(),
        };
        foreach (var p in cloudEvent.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
            request.Extensions.Fields[p.Name] = p.Value.ValueKind == JsonValueKind.String ? Value.ForString(p.Value.GetString()) : Value.ForString(p.Value.GetRawText());
        return request;
    }

    internal static Grains.PubSub.DeliveryOutcome ToOutcome(Callback.TopicEventResponse.Types.TopicEventResponseStatus status) =>
        status switch
        {
            Callback.TopicEventResponse.Types.TopicEventResponseStatus.Success => Grains.PubSub.DeliveryOutcome.Success,
            Callback.TopicEventResponse.Types.TopicEventResponseStatus.Drop => Grains.PubSub.DeliveryOutcome.Drop,
            _ => Grains.PubSub.DeliveryOutcome.Retry,
        };


    private CallInvoker Invoker => _app ?? throw new InvalidOperationException("the app is not served over gRPC");

    private static CallOptions Options(CancellationToken ct) => new(cancellationToken: ct);

    /// <summary>The payload as the SDKs expect it: JSON data as its text, a string as its UTF-8 bytes, data_base64 decoded.</summary>
    private static byte[] Data(JsonElement ev)
    {
        if (ev.TryGetProperty("data_base64", out var b64) && b64.ValueKind == JsonValueKind.String) return Convert.FromBase64String(b64.GetString()!);
        if (!ev.TryGetProperty("data", out var data)) return [];
        return data.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(data.GetString()!) : Encoding.UTF8.GetBytes(data.GetRawText());
    }

    private static string Text(JsonElement ev, string name) =>
        ev.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static Subscription ToSubscription(Callback.TopicSubscription s)
    {
        var rules = s.Routes?.Rules.Select(r => new RouteRule(r.Match, CelExpression.Parse(r.Match.Length == 0 ? "true" : r.Match), r.Path)).ToList() ?? [];
        // A gRPC subscription needs no path: events arrive at OnTopicEvent with path "".
        var defaultRoute = s.Routes?.Default ?? "";
        return new Subscription(s.PubsubName, s.Topic, rules, defaultRoute, string.IsNullOrEmpty(s.DeadLetterTopic) ? null : s.DeadLetterTopic,
            s.Metadata.ToDictionary(), SubscriptionKind.Programmatic, [])
        {
            // Zero is what an SDK sends for "not set": Dapr's defaults apply.
            Bulk = s.BulkSubscribe is { Enabled: true } b
                ? new BulkSubscribeOptions(b.MaxMessagesCount > 0 ? b.MaxMessagesCount : BulkSubscribeOptions.DefaultMaxMessagesCount,
                    b.MaxAwaitDurationMs > 0 ? b.MaxAwaitDurationMs : BulkSubscribeOptions.DefaultMaxAwaitDurationMs)
                : null,
        };
    }
}
