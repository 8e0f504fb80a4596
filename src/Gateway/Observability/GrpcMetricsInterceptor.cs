using System.Diagnostics;
using ActorRuntime.Components.Observability;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ActorRuntime.Gateway.Observability;

/// <summary>
/// Records Dapr's <c>dapr_grpc_io_server_*</c> metrics per call of the Dapr gRPC API. Registered before the error
/// interceptor, so it sees the status the caller gets.
/// </summary>
public sealed class GrpcMetricsInterceptor(GatewayMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!GrpcMetrics.Enabled) return await continuation(request, context);
        var start = Stopwatch.GetTimestamp();
        var status = StatusCode.Unknown;
        long sent = 0;
        try
        {
            var response = await continuation(request, context);
            status = StatusCode.OK;
            sent = Size(response);
            return response;
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            throw;
        }
        catch (OperationCanceledException)
        {
            status = StatusCode.Cancelled;
            throw;
        }
        finally
        {
            GrpcMetrics.ServerCompleted(metrics.AppId, context.Method, StatusName(status), Size(request), sent, DaprMeter.ElapsedMilliseconds(start));
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!GrpcMetrics.Enabled)
        {
            await continuation(request, responseStream, context);
            return;
        }
        var start = Stopwatch.GetTimestamp();
        var status = StatusCode.Unknown;
        try
        {
            await continuation(request, responseStream, context);
            status = StatusCode.OK;
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            throw;
        }
        catch (OperationCanceledException)
        {
            status = StatusCode.Cancelled;
            throw;
        }
        finally
        {
            GrpcMetrics.ServerCompleted(metrics.AppId, context.Method, StatusName(status), Size(request), 0, DaprMeter.ElapsedMilliseconds(start));
        }
    }

    private static long Size(object? message) => message is IMessage m ? m.CalculateSize() : 0;

    /// <summary>OpenCensus' status names (<c>OK</c>, <c>NOT_FOUND</c>, ...), which Dapr's label values are.</summary>
    internal static string StatusName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.Aborted => "ABORTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DataLoss => "DATA_LOSS",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    };
}
