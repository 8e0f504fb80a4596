using System.Text;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Grpc.Core;
using Autogen = Dapr.Client.Autogen.Grpc.v1;
using Callback = Dapr.AppCallback.Autogen.Grpc.v1;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// Streaming subscriptions (<c>SubscribeTopicEventsAlpha1</c>, what newer SDKs use): no app port, no routes; the client
/// opens a bidirectional stream, gets each event as a <c>TopicEventRequest</c> and answers it by id. RETRY brings the
/// event back; a closed stream stops delivery and what it had not settled is delivered to the next subscriber.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class StreamingSubscriptionTests
{
    private static Autogen.SubscribeTopicEventsRequestAlpha1 Initial(string topic) => new()
    {
        InitialRequest = new Autogen.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = Pubsub, Topic = topic },
    };

    private static Autogen.SubscribeTopicEventsRequestAlpha1 Processed(string id, Callback.TopicEventResponse.Types.TopicEventResponseStatus status) => new()
    {
        EventProcessed = new Autogen.SubscribeTopicEventsRequestProcessedAlpha1 { Id = id, Status = new Callback.TopicEventResponse { Status = status } },
    };

    [Fact(Timeout = 300_000)]
    public async Task A_stream_gets_every_event_and_RETRY_brings_one_back()
    {
        await ExternalServices().ConfigureAwait(false);
        await using var cluster = new InvocationCluster();
        var topic = NewPrefix() + "stream";
        var app = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("ps-stream"), s => s.AddComponent(Pubsub, RedisPubSubYaml()));
        var client = new Autogen.Dapr.DaprClient(app.Runtime.GrpcChannel);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var call = client.SubscribeTopicEventsAlpha1(cancellationToken: cts.Token);

        await call.RequestStream.WriteAsync(Initial(topic));
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.NotNull(call.ResponseStream.Current.InitialResponse);

        for (var seq = 0; seq < 5; seq++)
        {
            using var content = new StringContent(new JsonObject { ["seq"] = seq }.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await app.Http.PostAsync($"/v1.0/publish/{Pubsub}/{topic}", content, cts.Token);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }

        var seen = new List<int>();
        var retried = false;
        while (seen.Distinct().Count() < 5 || !retried)
        {
            Assert.True(await call.ResponseStream.MoveNext(cts.Token), "the stream ended early");
            var ev = call.ResponseStream.Current.EventMessage;
            Assert.Equal(topic, ev.Topic);
            Assert.Equal(Pubsub, ev.PubsubName);
            Assert.StartsWith("application/json", ev.DataContentType);
            var seq = JsonNode.Parse(ev.Data.ToStringUtf8())!["seq"]!.GetValue<int>();
            seen.Add(seq);
            // The first delivery of event 2 is refused once: it must come back.
            var status = seq == 2 && !seen.Take(seen.Count - 1).Contains(2)
                ? Callback.TopicEventResponse.Types.TopicEventResponseStatus.Retry
                : Callback.TopicEventResponse.Types.TopicEventResponseStatus.Success;
            if (seq == 2 && status == Callback.TopicEventResponse.Types.TopicEventResponseStatus.Success) retried = true;
            await call.RequestStream.WriteAsync(Processed(ev.Id, status));
        }
        Assert.Equal(2, seen.Count(s => s == 2));
        Assert.Equal([0, 1, 2, 3, 4], seen.Distinct().Order());

        // While open, the stream is one of the app's subscriptions in the metadata API (HTTP and gRPC).
        var metadata = System.Text.Json.Nodes.JsonNode.Parse(await app.Http.GetStringAsync("/v1.0/metadata", cts.Token))!;
        var listed = Assert.Single(metadata["subscriptions"]!.AsArray(), x => x!["topic"]!.GetValue<string>() == topic)!;
        Assert.Equal(("STREAMING", Pubsub), (listed["type"]!.GetValue<string>(), listed["pubsubname"]!.GetValue<string>()));
        var grpcMetadata = await client.GetMetadataAsync(new Autogen.GetMetadataRequest(), cancellationToken: cts.Token);
        Assert.Contains(grpcMetadata.Subscriptions, x => x.Topic == topic && x.Type == Autogen.PubsubSubscriptionType.Streaming);
        await call.RequestStream.CompleteAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unknown_pubsub_ends_the_stream_with_Daprs_error()
    {
        await using var cluster = new InvocationCluster();
        var app = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("ps-stream-err"), s => s.AddComponent(Pubsub, RedisPubSubYaml()));
        var client = new Autogen.Dapr.DaprClient(app.Runtime.GrpcChannel);
        using var call = client.SubscribeTopicEventsAlpha1();
        await call.RequestStream.WriteAsync(new Autogen.SubscribeTopicEventsRequestAlpha1
        {
            InitialRequest = new Autogen.SubscribeTopicEventsRequestInitialAlpha1 { PubsubName = "nope", Topic = "t" },
        });
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("nope", e.Status.Detail);
    }

    private static Task ExternalServices() => Infrastructure.ExternalServices.EnsureRedisAsync();
}
