using ActorRuntime.Components.Bindings;
using ActorRuntime.Gateway.Bindings;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

public partial class DaprGrpcService
{
    private static void BindBindingsMethods(ServiceBinderBase binder, DaprGrpcService? s) =>
        binder.AddMethod(Unary("InvokeBinding", Runtime.InvokeBindingRequest.Parser, Runtime.InvokeBindingResponse.Parser), s is null ? null! : s.InvokeBinding);

    private static BindingsService Bindings(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<BindingsService>();

    /// <summary>The request's bytes go to the binding as sent (no JSON re-encoding, unlike HTTP); the answer carries data and metadata.</summary>
    public virtual async Task<Runtime.InvokeBindingResponse> InvokeBinding(Runtime.InvokeBindingRequest request, ServerCallContext context)
    {
        var metadata = new Dictionary<string, string>(request.Metadata, StringComparer.Ordinal);
        // daprd copies the call's trace context into the binding's metadata.
        foreach (var trace in new[] { "traceparent", "tracestate" })
            if (context.RequestHeaders.GetValue(trace) is { Length: > 0 } value) metadata[trace] = value;
        var result = await Bindings(context).InvokeAsync(request.Name, new BindingRequest(request.Operation, request.Data.Memory, metadata), context.CancellationToken);
        if (result.Error is { } error) throw error.ToException();
        var response = new Runtime.InvokeBindingResponse();
        if (result.Response is { IsEmpty: false } answer)
        {
            response.Data = ByteString.CopyFrom(answer.Data.Span);
            foreach (var (k, v) in answer.Metadata) response.Metadata[k] = v;
        }
        return response;
    }
}
