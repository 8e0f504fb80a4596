using Grpc.Core;

namespace ActorRuntime.Gateway.Errors;

/// <summary>
/// An API error as Dapr reports it: <c>{"errorCode","message"}</c> with an HTTP status over HTTP,
/// and a gRPC status code over gRPC. Apps and SDKs branch on these, so codes and statuses follow daprd.
/// </summary>
public sealed record DaprError(string ErrorCode, string Message, int HttpStatus, StatusCode GrpcStatus)
{
    public DaprApiException ToException() => new(this);
}

public sealed class DaprApiException(DaprError error) : Exception(error.Message)
{
    public DaprError Error { get; } = error;
}
