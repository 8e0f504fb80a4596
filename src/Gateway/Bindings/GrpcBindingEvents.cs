using ActorRuntime.Components.Bindings;
using ActorRuntime.Gateway.AppChannel;
using ActorRuntime.Gateway.Invocation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using Callback = Dapr.AppCallback.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>
/// Input bindings with an app served over gRPC (<c>--app-protocol grpc|grpcs</c>): the bindings it takes from
/// <c>AppCallback.ListInputBindings</c>, events through <c>AppCallback.OnBindingEvent</c> (an answer is an
/// acknowledgement, an error status a failure). <see cref="IsGrpcApp"/> is false for HTTP apps.
/// </summary>
public sealed class GrpcBindingEvents : IDisposable
{
    private const string Service = "dapr.proto.runtime.v1.AppCallback";
    private static readonly Method<Empty, Callback.ListInputBindingsResponse> ListMethod =
        AppCallbackClient.Unary(Service, "ListInputBindings", Empty.Parser, Callback.ListInputBindingsResponse.Parser);
    private static readonly Method<Callback.BindingEventRequest, Callback.BindingEventResponse> OnBindingEventMethod =
        AppCallbackClient.Unary(Service, "OnBindingEvent", Callback.BindingEventRequest.Parser, Callback.BindingEventResponse.Parser);

    private readonly GrpcChannel? _channel;
    private readonly string? _appToken;

    public GrpcBindingEvents(IOptions<GatewayOptions> options)
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

    /// <summary>The input bindings the app takes; none when it does not implement the method.</summary>
    public async Task<IReadOnlySet<string>> ListAsync(CancellationToken ct)
    {
        try
        {
            var answer = await Invoker.AsyncUnaryCall(ListMethod, null, Options(ct), new Empty());
            return answer.Bindings.ToHashSet(StringComparer.Ordinal);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            return new HashSet<string>();
        }
    }

    /// <exception cref="RpcException">The app failed the event.</exception>
    public async Task DeliverAsync(string bindingName, BindingEvent ev, CancellationToken ct)
    {
        var request = new Callback.BindingEventRequest { Name = bindingName, Data = ByteString.CopyFrom(ev.Data.Span) };
        foreach (var (k, v) in ev.Metadata) request.Metadata[k] = v;
        await Invoker.AsyncUnaryCall(OnBindingEventMethod, null, Options(ct), request);
    }

    public void Dispose() => _channel?.Dispose();

    private CallInvoker Invoker => (_channel ?? throw new InvalidOperationException("the app is not served over gRPC")).CreateCallInvoker();

    private CallOptions Options(CancellationToken ct)
    {
        var headers = new global::Grpc.Core.Metadata();
        if (_appToken is not null) headers.Add(InvocationHeaders.ApiToken, _appToken);
        return new CallOptions(headers, cancellationToken: ct);
    }
}
