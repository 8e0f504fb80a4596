using System.Collections.Concurrent;
using System.Text.Json;
using ActorRuntime.Components;
using ActorRuntime.Components.PubSub;
using ActorRuntime.Gateway.Errors;
using ActorRuntime.Gateway.NameResolution;
using ActorRuntime.Grains.PubSub;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime = Dapr.Client.Autogen.Grpc.v1;

namespace ActorRuntime.Gateway.PubSub;

/// <summary>
/// One <c>SubscribeTopicEventsAlpha1</c> stream (Dapr's streaming subscription): after the initial request it is a
/// subscriber like an app instance, with its own lease on the topic's subscription grain (consumer group: the app id),
/// and each event it is sent waits for the client's <c>event_processed</c> with the same id (SUCCESS, RETRY, DROP).
/// When the stream ends, events it had not settled go back to the grain, which delivers them again.
/// </summary>
public sealed partial class StreamingSubscription(
    IGrainFactory grains, ComponentRegistry components, LocalAppInstance local, IOptions<GatewayOptions> options, Hosting.GatewayEndpoints endpoints,
    ILogger<StreamingSubscription> logger)
{
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(7);
    private readonly ConcurrentDictionary<string, Runtime.SubscribeTopicEventsRequestInitialAlpha1> _open = new(StringComparer.Ordinal);

    /// <summary>The streams open now, as their initial requests named them (what the metadata API lists as <c>STREAMING</c>).</summary>
    public IReadOnlyCollection<Runtime.SubscribeTopicEventsRequestInitialAlpha1> Open => (IReadOnlyCollection<Runtime.SubscribeTopicEventsRequestInitialAlpha1>)_open.Values;

    public async Task RunAsync(IAsyncStreamReader<Runtime.SubscribeTopicEventsRequestAlpha1> requests,
        IServerStreamWriter<Runtime.SubscribeTopicEventsResponseAlpha1> responses, CancellationToken ct)
    {
        if (!await requests.MoveNext(ct) || requests.Current.InitialRequest is not { } initial)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message of the stream must be an initial request"));
        var grainKey = Resolve(initial);
        var channel = new Channel(responses);
        var instanceId = $"{local.InstanceId}-stream-{Guid.NewGuid():N}"[..^16];
        PubSubDeliveryClient.Register(instanceId, channel);
        _open[instanceId] = initial;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var grain = grains.GetGrain<IPubSubSubscriptionGrain>(grainKey);
        try
        {
            await channel.WriteAsync(new Runtime.SubscribeTopicEventsResponseAlpha1 { InitialResponse = new Runtime.SubscribeTopicEventsResponseInitialAlpha1() }, ct);
            LogStarted(initial.PubsubName, initial.Topic);
            var renewals = RenewAsync(grain, instanceId, initial, stop.Token);
            while (await requests.MoveNext(ct))
            {
                if (requests.Current.EventProcessed is { } processed)
                    channel.Settle(processed.Id, GrpcTopicEvents.ToOutcome(processed.Status?.Status ?? default));
            }
            await stop.CancelAsync();
            await renewals.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            PubSubDeliveryClient.Unregister(instanceId);
            _open.TryRemove(instanceId, out _);
            channel.Close();
            try { await grain.Remove(instanceId).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None); }
            catch (Exception ex) when (ex is not OperationCanceledException) { LogRemoveFailed(ex.Message); }
            LogEnded(initial.PubsubName, initial.Topic);
        }
    }

    private string Resolve(Runtime.SubscribeTopicEventsRequestInitialAlpha1 initial)
    {
        if (string.IsNullOrEmpty(initial.PubsubName)) throw DaprErrors.PubSubEmpty().ToException();
        if (!components.TryGetPubSub(initial.PubsubName, out var pubsub) || !components.TryGetDefinition(initial.PubsubName, out var definition))
            throw DaprErrors.PubSubNotFound(initial.PubsubName).ToException();
        if (string.IsNullOrEmpty(initial.Topic)) throw DaprErrors.TopicEmpty(initial.PubsubName).ToException();
        if (!TopicScopes.For(definition).MaySubscribe(options.Value.AppId, initial.Topic))
            throw DaprErrors.PubSubForbidden(initial.Topic, initial.PubsubName, options.Value.AppId).ToException();
        return PubSubGrainKeys.Subscription(definition.InstanceId, pubsub.Settings.GroupFor(options.Value.AppId, local.Namespace), initial.Topic);
    }

    private async Task RenewAsync(IPubSubSubscriptionGrain grain, string instanceId, Runtime.SubscribeTopicEventsRequestInitialAlpha1 initial, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // The address is this gateway's internal port: a grain on another silo delivers there, by instance id.
                if (endpoints.InternalPortKnown)
                    await grain.Renew(new SubscriberLease(instanceId, local.Current.Address, initial.PubsubName, initial.Topic,
                        initial.HasDeadLetterTopic && initial.DeadLetterTopic.Length > 0 ? initial.DeadLetterTopic : null, Lease));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRemoveFailed(ex.Message);
            }
            await Task.Delay(RenewEvery, ct);
        }
    }

    /// <summary>Writes events to the stream (one writer at a time) and matches the client's answers to them by id.</summary>
    private sealed class Channel(IServerStreamWriter<Runtime.SubscribeTopicEventsResponseAlpha1> responses) : IPubSubDeliveryChannel
    {
        private readonly SemaphoreSlim _write = new(1, 1);
        private readonly ConcurrentDictionary<string, TaskCompletionSource<DeliveryOutcome>> _waiting = new(StringComparer.Ordinal);
        private volatile bool _closed;

        public async Task<DeliveryOutcome> DeliverAsync(string pubsubName, string topic, byte[] data, CancellationToken cancellationToken)
        {
            if (_closed) throw new HttpRequestException("the streaming subscription has ended");
            using var json = JsonDocument.Parse(PubSubDelivery.AsCloudEvent(data, pubsubName, topic));
            var request = GrpcTopicEvents.ToRequest(json.RootElement, "");
            // Ids come from publishers; a duplicate in flight gets its own key so both are answered.
            var key = request.Id;
            var answer = new TaskCompletionSource<DeliveryOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            while (!_waiting.TryAdd(key, answer)) key = request.Id = request.Id + "+";
            try
            {
                await WriteAsync(new Runtime.SubscribeTopicEventsResponseAlpha1 { EventMessage = request }, cancellationToken);
                return await answer.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                _waiting.TryRemove(key, out _);
            }
        }

        public async Task WriteAsync(Runtime.SubscribeTopicEventsResponseAlpha1 message, CancellationToken ct)
        {
            await _write.WaitAsync(ct);
            try { await responses.WriteAsync(message, ct); }
            catch (Exception ex) when (ex is InvalidOperationException or IOException) { throw new HttpRequestException("the streaming subscription has ended", ex); }
            finally { _write.Release(); }
        }

        public void Settle(string id, DeliveryOutcome outcome)
        {
            if (_waiting.TryGetValue(id, out var answer)) answer.TrySetResult(outcome);
        }

        public void Close()
        {
            _closed = true;
            foreach (var answer in _waiting.Values) answer.TrySetException(new HttpRequestException("the streaming subscription has ended"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Streaming subscription to topic {Topic} on pubsub {PubSub} started")]
    private partial void LogStarted(string pubsub, string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Streaming subscription to topic {Topic} on pubsub {PubSub} ended")]
    private partial void LogEnded(string pubsub, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Streaming subscription: lease renewal or removal failed: {Error}")]
    private partial void LogRemoveFailed(string error);
}
