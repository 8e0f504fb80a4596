using System.Text;
using System.Text.Json;
using ActorRuntime.Components.PubSub.Subscriptions;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Invocation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using Callback = Dapr.AppCallback.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// Pub/sub with an app served over gRPC (<c>--app-protocol grpc|grpcs</c>): subscriptions from
/// <c>AppCallback.ListTopicSubscriptions</c>, events through <c>AppCallback.OnTopicEvent</c>, whose
/// <c>TopicEventResponse.status</c> (SUCCESS, RETRY, DROP) is the reply. Null <see cref="IsGrpcApp"/> for HTTP apps.
/// </summary>
public sealed class GrpcTopicEvents : IDisposable
{
    private const string Service = "dapr.proto.runtime.v1.AppCallback";
    private static readonly Method<Empty, Callback.ListTopicSubscriptionsResponse> ListMethod =
        AppCallbackClient.Unary(Service, "ListTopicSubscriptions", Empty.Parser, Callback.ListTopicSubscriptionsResponse.Parser);
    private static readonly Method<Callback.TopicEventRequest, Callback.TopicEventResponse> OnTopicEventMethod =
        AppCallbackClient.Unary(Service, "OnTopicEvent", Callback.TopicEventRequest.Parser, Callback.TopicEventResponse.Parser);
    // CloudEvent attributes that have their own field in TopicEventRequest; the rest go to extensions.
    private static readonly HashSet<string> Fields = ["id", "source", "type", "specversion", "datacontenttype", "data", "data_base64", "topic", "pubsubname"];

    private readonly GrpcChannel? _channel;
    private readonly string? _appToken;

    public GrpcTopicEvents(IOptions<GatewayOptions> options)
    {
        var o = options.Value;
        _appToken = o.AppApiToken;
        if (o.AppPort is null || o.AppProtocol is not ("grpc" or "grpcs")) return;
        var tls = o.AppProtocol == "grpcs";
        _channel = GrpcChannel.ForAddress($"{(tls ? "https" : "http")}://{o.AppChannelAddress}:{o.AppPort}", new GrpcChannelOptions
        {
            HttpHandler = HttpAppChannel.CreateHandler(trustAnyCertificate: tls),
            MaxReceiveMessageSize = o.MaxRequestBodyMegabytes * 1024 * 1024,
            MaxSendMessageSize = o.MaxRequestBodyMegabytes * 1024 * 1024,
        });
    }

    public bool IsGrpcApp => _channel is not null;

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

    public void Dispose() => _channel?.Dispose();

    private CallInvoker Invoker => (_channel ?? throw new InvalidOperationException("the app is not served over gRPC")).CreateCallInvoker();

    private CallOptions Options(CancellationToken ct)
    {
        var headers = new global::Grpc.Core.Metadata();
        if (_appToken is not null) headers.Add(InvocationHeaders.ApiToken, _appToken);
        return new CallOptions(headers, cancellationToken: ct);
    }

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
            s.Metadata.ToDictionary(), SubscriptionKind.Programmatic, []);
    }
}
