using Grpc.Core;
using ActorRuntime.Gateway.Errors;

namespace ActorRuntime.Gateway.Bindings;

/// <summary>daprd's errors for output bindings: every failure, an unknown binding included, is <c>ERR_INVOKE_OUTPUT_BINDING</c> (500, gRPC Internal).</summary>
public static class BindingErrors
{
    public static DaprError InvokeOutputBinding(string name, string detail) =>
        new("ERR_INVOKE_OUTPUT_BINDING", $"error invoking output binding {name}: {detail}", 500, StatusCode.Internal);
}
