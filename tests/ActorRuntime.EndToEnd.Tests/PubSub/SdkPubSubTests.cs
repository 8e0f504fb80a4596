using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// The .NET SDK end to end: <c>DaprClient.PublishEventAsync</c> (gRPC <c>PublishEvent</c>) publishing to a
/// <c>Dapr.AspNetCore</c> subscriber (<c>WithTopic</c> + <c>MapSubscribeHandler</c>) over <c>pubsub.redis</c>, with Dapr's
/// reply contract: retries that keep per-key order, a dead-letter topic, DROP, and routing rules.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class SdkPubSubTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 300_000)]
    public async Task PublishEventAsync_reaches_a_Dapr_AspNetCore_subscriber_with_retries_in_order_dead_letters_drops_and_routes()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var app = await StartAsync(cluster, InvocationCluster.NewAppId("ps-sdk"), prefix);
        using var client = app.Runtime.CreateDaprClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var key = new Dictionary<string, string> { ["partitionKey"] = "a" };

        // Ten events of one key; the fourth fails twice (500, then RETRY) before it succeeds.
        for (var seq = 0; seq < 10; seq++)
            await client.PublishEventAsync(Pubsub, prefix + "orders", new JsonObject { ["seq"] = seq, ["key"] = "a", ["fail"] = seq == 3 ? 2 : 0 }, key, cts.Token);
        await client.PublishEventAsync(Pubsub, prefix + "poison", new JsonObject { ["seq"] = 100, ["key"] = "p" }, cts.Token);
        await client.PublishEventAsync(Pubsub, prefix + "dropme", new JsonObject { ["seq"] = 200, ["key"] = "d" }, cts.Token);
        await client.PublishEventAsync(Pubsub, prefix + "routed", new JsonObject { ["seq"] = 300, ["key"] = "r" },
            new Dictionary<string, string> { ["cloudevent.type"] = "special" }, cts.Token);
        await client.PublishEventAsync(Pubsub, prefix + "routed", new JsonObject { ["seq"] = 301, ["key"] = "r" }, cts.Token);

        var received = await WaitForAsync(() => ReceivedAsync(app),
            r => r.Count(x => Route(x) == "/orders") >= 10 && r.Any(x => Route(x) == "/poison-dead") && r.Any(x => Route(x) == "/dropme")
                 && r.Count(x => Route(x).StartsWith("/routed/", StringComparison.Ordinal)) >= 2,
            Deadline, r => new JsonArray([.. r.Select(x => (JsonNode)x.DeepClone())]).ToJsonString() + "\n" + app.Runtime.Describe());
        output.WriteLine(new JsonArray([.. received.Select(x => (JsonNode)x.DeepClone())]).ToJsonString());

        // Same partition key: delivered in publish order, one at a time, the retried event holding back the rest.
        Assert.Equal(Enumerable.Range(0, 10), received.Where(x => Route(x) == "/orders").Select(Seq));
        // No resiliency policy and a dead-letter topic: the first failure dead-letters the event (as daprd does).
        Assert.Single(received, x => Route(x) == "/poison");
        Assert.Equal(100, Seq(Assert.Single(received, x => Route(x) == "/poison-dead")));
        // Routing: the rule on event.type (set through metadata cloudevent.type) wins, else the default route.
        Assert.Equal(300, Seq(Assert.Single(received, x => Route(x) == "/routed/special")));
        Assert.Equal(301, Seq(Assert.Single(received, x => Route(x) == "/routed/default")));

        // DROP is final: no redelivery comes (redeliverInterval is 1 s; give it three).
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await ReceivedAsync(app), x => Route(x) == "/dropme");
    }

    private const string ResiliencyYaml = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: pubsub-resiliency
        spec:
          policies:
            retries:
              pubsubRetry:
                policy: constant
                duration: 100ms
                maxRetries: 3
          targets:
            components:
              pubsub:
                inbound:
                  retry: pubsubRetry
        """;

    [Fact(Timeout = 300_000)]
    public async Task The_components_inbound_resiliency_policy_retries_deliveries_before_the_dead_letter_topic()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var app = await StartAsync(cluster, InvocationCluster.NewAppId("ps-res"), prefix, s => s.AddComponent("resiliency", ResiliencyYaml));
        using var client = app.Runtime.CreateDaprClient();

        await client.PublishEventAsync(Pubsub, prefix + "poison", new JsonObject { ["seq"] = 1, ["key"] = "p" });
        await client.PublishEventAsync(Pubsub, prefix + "orders", new JsonObject { ["seq"] = 2, ["key"] = "o", ["fail"] = 3 });

        var received = await WaitForAsync(() => ReceivedAsync(app), r => r.Any(x => Route(x) == "/poison-dead") && r.Any(x => Route(x) == "/orders"),
            Deadline, r => new JsonArray([.. r.Select(x => (JsonNode)x.DeepClone())]).ToJsonString() + "\n" + app.Runtime.Describe());
        // The first attempt and three retries (maxRetries: 3), then the dead-letter topic.
        Assert.Equal(4, received.Count(x => Route(x) == "/poison"));
        Assert.Single(received, x => Route(x) == "/poison-dead");
        Assert.Single(received, x => Route(x) == "/orders");
    }

    [Fact(Timeout = 300_000)]
    public async Task BulkPublishEventAsync_delivers_every_entry_in_order_for_one_partition_key()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var app = await StartAsync(cluster, InvocationCluster.NewAppId("ps-bulk"), prefix);
        using var client = app.Runtime.CreateDaprClient();

        var events = Enumerable.Range(0, 20).Select(seq => new JsonObject { ["seq"] = seq, ["key"] = "b" }).ToList();
        var result = await client.BulkPublishEventAsync(Pubsub, prefix + "orders", events, new Dictionary<string, string> { ["partitionKey"] = "b" });
        Assert.Empty(result.FailedEntries);

        var received = await WaitForAsync(() => ReceivedAsync(app), r => r.Count(x => Route(x) == "/orders") >= 20, Deadline, r => r.Count + " received\n" + app.Runtime.Describe());
        Assert.Equal(Enumerable.Range(0, 20), received.Where(x => Route(x) == "/orders").Select(Seq));
    }
}
