using ActorRuntime.Gateway.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Gateway.Grpc;

/// <summary>
/// Turns <see cref="DaprApiException"/> into the gRPC status daprd would send, through <see cref="ErrorSanitizer"/>, and
/// any other failure but an <see cref="RpcException"/> into <c>Internal</c> with a correlation id (the detail goes to
/// the log), for every kind of call.
/// </summary>
internal sealed class DaprErrorInterceptor(ILoggerFactory loggers) : Interceptor
{
    private readonly ILogger _logger = loggers.CreateLogger(ErrorSanitizer.LogCategory);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Shape(ex, context) is { } shaped)
        {
            throw shaped;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Shape(ex, context) is { } shaped)
        {
            throw shaped;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (Shape(ex, context) is { } shaped)
        {
            throw shaped;
        }
    }

    /// <summary>The status to answer with, or null to let the exception pass (a cancelled call).</summary>
    private RpcException? Shape(Exception ex, ServerCallContext context)
    {
        switch (ex)
        {
            case DaprApiException dapr:
                return ToRpc(ErrorSanitizer.Sanitize(dapr.Error, _logger));
            case RpcException:
                return null; // a status made on purpose: the app's own answer to an invocation passes through as daprd's does
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return null;
            default:
                return ToRpc(ErrorSanitizer.Unexpected(ex, _logger));
        }
    }

    private static RpcException ToRpc(DaprError error) => new(new Status(error.GrpcStatus, error.Message));
}
