using ActorRuntime.Gateway.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ActorRuntime.Gateway.Grpc;

/// <summary>Turns <see cref="DaprApiException"/> into the gRPC status daprd would send.</summary>
internal sealed class DaprErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (DaprApiException ex)
        {
            throw new RpcException(new Status(ex.Error.GrpcStatus, ex.Error.Message));
        }
    }
}
