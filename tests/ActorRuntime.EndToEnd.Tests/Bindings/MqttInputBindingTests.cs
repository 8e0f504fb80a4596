using System.Text;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;
using MQTTnet;
using MQTTnet.Protocol;
using static ActorRuntime.EndToEnd.Tests.Bindings.InputBindingApps;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary>
/// <c>bindings.mqtt3</c> as an input binding under <c>actorrt run</c>: messages published to the broker (the real
/// Mosquitto, <c>ACTORRT_TEST_MQTT</c>) by a plain MQTT client reach the app at <c>POST /{name}</c> with the payload as
/// body and the <c>topic</c> header; a handler that fails once is retried by the inbound policy.
/// </summary>
[Collection(InputBindingsCollection.Name)]
public sealed class MqttInputBindingTests
{
    private static readonly string Url = Environment.GetEnvironmentVariable("ACTORRT_TEST_MQTT") ?? "tcp://127.0.0.1:1890";

    [Fact(Timeout = 300_000)]
    public async Task Broker_messages_reach_the_app_with_their_topic_and_a_failed_one_is_retried()
    {
        await using var cluster = new InvocationCluster();
        var record = System.IO.Path.Combine(cluster.Root, "record.jsonl");
        var topic = $"actorrt-e2e/{Guid.NewGuid():N}";
        var app = await StartHttpAppAsync(cluster, InvocationCluster.NewAppId("mqtt-in"), record, "/mqtt-in", s =>
        {
            s.AddComponent("mqtt-in", ComponentYaml.Component("mqtt-in", "bindings.mqtt3", ("url", Url), ("topic", topic),
                ("consumerID", "e2e" + Guid.NewGuid().ToString("N")[..8]), ("direction", "input")));
            s.AddComponent("resiliency", """
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: mqtt-resiliency
                spec:
                  policies:
                    retries:
                      quick:
                        policy: constant
                        duration: 100ms
                        maxRetries: 3
                  targets:
                    components:
                      mqtt-in:
                        inbound:
                          retry: quick
                """);
        }, failFirst: 1);

        var uri = new Uri(Url);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(uri.Host, uri.Port).WithClientId("e2e-pub-" + Guid.NewGuid().ToString("N")[..8]).Build());
        // The app subscribes shortly after it is up: publish until the first message arrives, then the rest.
        var until = DateTime.UtcNow.AddSeconds(60);
        while (Read(record).Count == 0)
        {
            Assert.True(DateTime.UtcNow < until, "no message reached the app\n" + app.Runtime.Describe());
            await client.PublishAsync(Message(topic, """{"warm":true}"""));
            await Task.Delay(500);
        }
        for (var i = 0; i < 3; i++) await client.PublishAsync(Message(topic, $$"""{"seq":{{i}}}"""));
        var got = await WaitForAsync(record, r => r.Count(x => x["body"]!.GetValue<string>().Contains("seq")) >= 3, TimeSpan.FromSeconds(60), app.Runtime.Describe);

        Assert.Equal(500, got[0]["status"]!.GetValue<int>());
        Assert.Equal(got[0]["body"]!.GetValue<string>(), got[1]["body"]!.GetValue<string>()); // the failed event, retried
        Assert.Equal([0, 1, 2], got.Where(x => x["body"]!.GetValue<string>().Contains("seq")).Select(x => System.Text.Json.Nodes.JsonNode.Parse(x["body"]!.GetValue<string>())!["seq"]!.GetValue<int>()));
        Assert.All(got, r => Assert.Equal(topic, Header(r, "topic")));
    }

    private static MqttApplicationMessage Message(string topic, string body) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(body)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
}
