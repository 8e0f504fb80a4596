using ActorRuntime.Gateway.Metadata;
using ActorRuntime.Gateway.State;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

/// <summary>
/// The <c>dapr.proto.runtime.v1.Dapr</c> gRPC service, with the message types of the Dapr.Protos package.
/// That package ships only the client stub, so the service is bound here; each building block adds its methods in
/// its own partial file, and methods not bound answer Unimplemented. Grpc.AspNetCore only binds <c>virtual</c>
/// methods declared on the type that carries <see cref="BindServiceMethodAttribute"/>, hence the virtual handlers.
/// </summary>
[BindServiceMethod(typeof(DaprGrpcService), nameof(BindService))]
public partial class DaprGrpcService(StateService state, MetadataService metadata, IHostApplicationLifetime lifetime,
    Invocation.ServiceInvoker invoker, Invocation.InvocationPolicies policies, Actors.ActorService actors)
{
    private const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    public static void BindService(ServiceBinderBase binder, DaprGrpcService? service)
    {
        BindStateMethods(binder, service);
        BindMetadataMethods(binder, service);
        BindInvocationMethods(binder, service);
        BindActorMethods(binder, service);
        BindSecretsMethods(binder, service);
        BindConfigurationMethods(binder, service);
        BindPubSubMethods(binder, service);
        BindBindingsMethods(binder, service);
    }

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, ServiceName, name,
            Marshallers.Create(r => r.ToByteArray(), requestParser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));

    private static void BindMetadataMethods(ServiceBinderBase binder, DaprGrpcService? s)
    {
        binder.AddMethod(Unary("GetMetadata", Runtime.GetMetadataRequest.Parser, Runtime.GetMetadataResponse.Parser),
            s is null ? null! : s.GetMetadata);
        binder.AddMethod(Unary("SetMetadata", Runtime.SetMetadataRequest.Parser, Google.Protobuf.WellKnownTypes.Empty.Parser),
            s is null ? null! : s.SetMetadata);
        binder.AddMethod(Unary("Shutdown", Runtime.ShutdownRequest.Parser, Google.Protobuf.WellKnownTypes.Empty.Parser),
            s is null ? null! : s.Shutdown);
    }
}
