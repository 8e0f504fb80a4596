using System.Threading.Channels;
using ActorRuntime.Components.ConfigurationStores;
using ActorRuntime.Gateway.Configuration;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.Grpc;

public partial class DaprGrpcService
{
    private static void BindConfigurationMethods(ServiceBinderBase binder, DaprGrpcService? s)
    {
        // Grpc.AspNetCore finds each handler by the gRPC method's name, so the Alpha1 names (still called by some SDKs)
        // have handlers of their own.
        binder.AddMethod(Unary("GetConfiguration", Runtime.GetConfigurationRequest.Parser, Runtime.GetConfigurationResponse.Parser), s is null ? null! : s.GetConfiguration);
        binder.AddMethod(Unary("GetConfigurationAlpha1", Runtime.GetConfigurationRequest.Parser, Runtime.GetConfigurationResponse.Parser), s is null ? null! : s.GetConfigurationAlpha1);
        binder.AddMethod(ServerStreaming("SubscribeConfiguration", Runtime.SubscribeConfigurationRequest.Parser, Runtime.SubscribeConfigurationResponse.Parser), s is null ? null! : s.SubscribeConfiguration);
        binder.AddMethod(ServerStreaming("SubscribeConfigurationAlpha1", Runtime.SubscribeConfigurationRequest.Parser, Runtime.SubscribeConfigurationResponse.Parser), s is null ? null! : s.SubscribeConfigurationAlpha1);
        binder.AddMethod(Unary("UnsubscribeConfiguration", Runtime.UnsubscribeConfigurationRequest.Parser, Runtime.UnsubscribeConfigurationResponse.Parser), s is null ? null! : s.UnsubscribeConfiguration);
        binder.AddMethod(Unary("UnsubscribeConfigurationAlpha1", Runtime.UnsubscribeConfigurationRequest.Parser, Runtime.UnsubscribeConfigurationResponse.Parser), s is null ? null! : s.UnsubscribeConfigurationAlpha1);
    }

    public virtual Task<Runtime.GetConfigurationResponse> GetConfigurationAlpha1(Runtime.GetConfigurationRequest request, ServerCallContext context) =>
        GetConfiguration(request, context);

    public virtual Task SubscribeConfigurationAlpha1(Runtime.SubscribeConfigurationRequest request, IServerStreamWriter<Runtime.SubscribeConfigurationResponse> stream, ServerCallContext context) =>
        SubscribeConfiguration(request, stream, context);

    public virtual Task<Runtime.UnsubscribeConfigurationResponse> UnsubscribeConfigurationAlpha1(Runtime.UnsubscribeConfigurationRequest request, ServerCallContext context) =>
        UnsubscribeConfiguration(request, context);

    private static Method<TRequest, TResponse> ServerStreaming<TRequest, TResponse>(string name, Google.Protobuf.MessageParser<TRequest> requestParser, Google.Protobuf.MessageParser<TResponse> responseParser)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
        where TResponse : class, Google.Protobuf.IMessage<TResponse> =>
        new(MethodType.ServerStreaming, ServiceName, name,
            Marshallers.Create(r => Google.Protobuf.MessageExtensions.ToByteArray(r), requestParser.ParseFrom),
            Marshallers.Create(r => Google.Protobuf.MessageExtensions.ToByteArray(r), responseParser.ParseFrom));

    private static ConfigurationService ConfigurationStores(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<ConfigurationService>();

    public virtual async Task<Runtime.GetConfigurationResponse> GetConfiguration(Runtime.GetConfigurationRequest request, ServerCallContext context)
    {
        var items = await ConfigurationStores(context).GetAsync(request.StoreName, [.. request.Keys], request.Metadata, context.CancellationToken);
        var response = new Runtime.GetConfigurationResponse();
        foreach (var (key, item) in items) response.Items[key] = ToProto(item);
        return response;
    }

    /// <summary>The first message carries the subscription id; each later one the id and the changed items. The stream
    /// ends when the client cancels or the subscription is unsubscribed.</summary>
    public virtual async Task SubscribeConfiguration(Runtime.SubscribeConfigurationRequest request, IServerStreamWriter<Runtime.SubscribeConfigurationResponse> stream, ServerCallContext context)
    {
        var service = ConfigurationStores(context);
        var updates = Channel.CreateUnbounded<Runtime.SubscribeConfigurationResponse>(new UnboundedChannelOptions { SingleReader = true });
        var id = await service.SubscribeAsync(request.StoreName, [.. request.Keys], request.Metadata, (subscription, items) =>
        {
            var message = new Runtime.SubscribeConfigurationResponse { Id = subscription };
            foreach (var (key, item) in items) message.Items[key] = ToProto(item);
            updates.Writer.TryWrite(message);
            return Task.CompletedTask;
        }, context.CancellationToken);
        _streams[id] = updates.Writer;
        try
        {
            await stream.WriteAsync(new Runtime.SubscribeConfigurationResponse { Id = id }, context.CancellationToken);
            await foreach (var message in updates.Reader.ReadAllAsync(context.CancellationToken))
                await stream.WriteAsync(message, context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            _streams.TryRemove(id, out _);
            await service.UnsubscribeAsync(id);
        }
    }

    public virtual async Task<Runtime.UnsubscribeConfigurationResponse> UnsubscribeConfiguration(Runtime.UnsubscribeConfigurationRequest request, ServerCallContext context)
    {
        var (ok, message) = await ConfigurationStores(context).UnsubscribeAsync(request.Id);
        // A gRPC subscriber's stream ends with its subscription.
        if (_streams.TryRemove(request.Id, out var writer)) writer.TryComplete();
        return new Runtime.UnsubscribeConfigurationResponse { Ok = ok, Message = ok ? "" : message };
    }

    // Open SubscribeConfiguration streams by subscription id (the service instance is per call, hence static).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ChannelWriter<Runtime.SubscribeConfigurationResponse>> _streams = new(StringComparer.Ordinal);

    private static Runtime.ConfigurationItem ToProto(ConfigurationItem item)
    {
        var proto = new Runtime.ConfigurationItem { Value = item.Value, Version = item.Version };
        foreach (var (k, v) in item.Metadata) proto.Metadata[k] = v;
        return proto;
    }
}
