using Google.Protobuf;
using Grpc.Core;
using Common = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.AppChannel;

/// <summary>
/// Client side of the app's <c>dapr.proto.runtime.v1.AppCallback</c> services. Dapr.Protos ships only their server
/// bases, so the methods are declared here over its message types.
/// </summary>
public sealed class AppCallbackClient(CallInvoker invoker)
{
    private const string Service = "dapr.proto.runtime.v1.AppCallback";
    private const string HealthService = "dapr.proto.runtime.v1.AppCallbackHealthCheck";

    private static readonly Method<Common.InvokeRequest, Common.InvokeResponse> OnInvokeMethod =
        Unary(Service, "OnInvoke", Common.InvokeRequest.Parser, Common.InvokeResponse.Parser);

    private static readonly Method<Google.Protobuf.WellKnownTypes.Empty, Dapr.AppCallback.Autogen.Grpc.v1.HealthCheckResponse> HealthCheckMethod =
        Unary(HealthService, "HealthCheck", Google.Protobuf.WellKnownTypes.Empty.Parser, Dapr.AppCallback.Autogen.Grpc.v1.HealthCheckResponse.Parser);

    public AsyncUnaryCall<Common.InvokeResponse> OnInvokeAsync(Common.InvokeRequest request, CallOptions options) =>
        invoker.AsyncUnaryCall(OnInvokeMethod, null, options, request);

    public AsyncUnaryCall<Dapr.AppCallback.Autogen.Grpc.v1.HealthCheckResponse> HealthCheckAsync(CallOptions options) =>
        invoker.AsyncUnaryCall(HealthCheckMethod, null, options, new Google.Protobuf.WellKnownTypes.Empty());

    internal static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string service, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, service, name,
            Marshallers.Create(r => r.ToByteArray(), requestParser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));
}
