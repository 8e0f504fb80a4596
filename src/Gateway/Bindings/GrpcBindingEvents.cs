using ActorRuntime.Components.Bindings;
using ActorRuntime.Gateway.AppChannel;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Callback = Dapr.AppCallback.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>
/// Input bindings with an app served over gRPC (<c>--app-protocol grpc|grpcs</c>): the bindings it takes from
/// <c>AppCallback.ListInputBindings</c>, events through <c>AppCallback.OnBindingEvent</c> (an answer is an
/// acknowledgement, an error status a failure). <see cref="IsGrpcApp"/> is false for HTTP apps.
/// </summary>
public sealed class GrpcBindingEvents
{
    private const string Service = "dapr.proto.runtime.v1.AppCallback";
    private static readonly Method<Empty, Callback.ListInputBindingsResponse> ListMethod =
        AppCallbackClient.Unary(Service, "ListInputBindings", Empty.Parser, Callback.ListInputBindingsResponse.Parser);
    private static readonly Method<Callback.BindingEventRequest, Callback.BindingEventResponse> OnBindingEventMethod =
        AppCallbackClient.Unary(Service, "OnBindingEvent", Callback.BindingEventRequest.Parser, Callback.BindingEventResponse.Parser);

    // The app channel's own gRPC channel and token interceptor: one connection pool and one place that adds APP_API_TOKEN.
    private readonly CallInvoker? _app;

    public GrpcBindingEvents(IAppChannel channel) => _app = (channel as GrpcAppChannel)?.Invoker;

    public bool IsGrpcApp => _app is not null;

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


    private CallInvoker Invoker => _app ?? throw new InvalidOperationException("the app is not served over gRPC");

    private static CallOptions Options(CancellationToken ct) => new(cancellationToken: ct);
}
