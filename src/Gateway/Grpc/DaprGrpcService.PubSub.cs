using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.PubSub;
using Google.Protobuf;
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
        binder.AddMethod(Unary("BulkPublishEventAlpha1", Runtime.BulkPublishRequest.Parser, Runtime.BulkPublishResponse.Parser), s is null ? null! : s.BulkPublishEventAlpha1);
        binder.AddMethod(Unary("BulkPublishEvent", Runtime.BulkPublishRequest.Parser, Runtime.BulkPublishResponse.Parser), s is null ? null! : s.BulkPublishEvent);
        binder.AddMethod(new Method<Runtime.SubscribeTopicEventsRequestAlpha1, Runtime.SubscribeTopicEventsResponseAlpha1>(MethodType.DuplexStreaming, ServiceName,
                "SubscribeTopicEventsAlpha1",
                Marshallers.Create(r => r.ToByteArray(), Runtime.SubscribeTopicEventsRequestAlpha1.Parser.ParseFrom),
                Marshallers.Create(r => r.ToByteArray(), Runtime.SubscribeTopicEventsResponseAlpha1.Parser.ParseFrom)),
            s is null ? null! : s.SubscribeTopicEventsAlpha1);
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

    public virtual Task<Runtime.BulkPublishResponse> BulkPublishEventAlpha1(Runtime.BulkPublishRequest request, ServerCallContext context) =>
        BulkPublishEvent(request, context);

    public virtual async Task<Runtime.BulkPublishResponse> BulkPublishEvent(Runtime.BulkPublishRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var pubsub = http.RequestServices.GetRequiredService<PubSubService>();
        var entries = request.Entries.Select(e => new PubSubService.BulkEntry(e.EntryId, e.Event.Memory,
            string.IsNullOrEmpty(e.ContentType) ? null : e.ContentType, e.Metadata)).ToList();
        var failed = await pubsub.BulkPublishAsync(request.PubsubName, request.Topic, entries, request.Metadata,
            http.Items[Http.TraceContextMiddleware.ItemKey] as string ?? "", context.RequestHeaders.GetValue(Http.TraceContextMiddleware.TraceState) ?? "",
            context.CancellationToken);
        var response = new Runtime.BulkPublishResponse();
        foreach (var f in failed) response.FailedEntries.Add(new Runtime.BulkPublishResponseFailedEntry { EntryId = f.EntryId, Error = f.Error });
        return response;
    }

    public virtual async Task SubscribeTopicEventsAlpha1(IAsyncStreamReader<Runtime.SubscribeTopicEventsRequestAlpha1> requests,
        IServerStreamWriter<Runtime.SubscribeTopicEventsResponseAlpha1> responses, ServerCallContext context)
    {
        try
        {
            await context.GetHttpContext().RequestServices.GetRequiredService<StreamingSubscription>().RunAsync(requests, responses, context.CancellationToken);
        }
        catch (Errors.DaprApiException ex)
        {
            // Shaped here so the stream ends with Dapr's status; DaprErrorInterceptor would do the same.
            var error = ErrorSanitizer.Sanitize(ex.Error, context.GetHttpContext().ErrorLogger());
            throw new RpcException(new Status(error.GrpcStatus, error.Message));
        }
    }
}
