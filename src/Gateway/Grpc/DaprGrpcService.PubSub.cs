using ActorRuntime.Gateway.PubSub;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

public partial class DaprGrpcService
{
    private static void BindPubSubMethods(ServiceBinderBase binder, DaprGrpcService? s)
    {
        binder.AddMethod(Unary("PublishEvent", Runtime.PublishEventRequest.Parser, Empty.Parser), s is null ? null! : s.PublishEvent);
    }

    public virtual async Task<Empty> PublishEvent(Runtime.PublishEventRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var pubsub = http.RequestServices.GetRequiredService<PubSubService>();
        var traceparent = http.Items[Http.TraceContextMiddleware.ItemKey] as string ?? "";
        var tracestate = context.RequestHeaders.GetValue(Http.TraceContextMiddleware.TraceState) ?? "";
        var contentType = string.IsNullOrEmpty(request.DataContentType) ? null : request.DataContentType;
        await pubsub.PublishAsync(new PubSubService.PublishRequest(request.PubsubName, request.Topic, request.Data.Memory, contentType,
            request.Metadata, traceparent, tracestate), context.CancellationToken);
        return new Empty();
    }
}
