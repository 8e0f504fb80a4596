using System.Text;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Invocation;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// Events wait in the broker for a subscriber that is away, and one failing key does not hold up the others.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class RecoveryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static async Task PublishAsync(InvocationApp via, string topic, JsonObject data, string? partitionKey = null)
    {
        using var content = new StringContent(data.ToJsonString(), Encoding.UTF8, "application/json");
        var query = partitionKey is null ? "" : $"?metadata.partitionKey={partitionKey}";
        using var response = await via.Http.PostAsync($"/v1.0/publish/{Pubsub}/{topic}{query}", content);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact(Timeout = 300_000)]
    public async Task An_app_that_was_stopped_gets_what_was_published_meanwhile_when_it_comes_back()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var appId = InvocationCluster.NewAppId("ps-away");
        var first = await StartAsync(cluster, appId, prefix);
        var publisher = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("ps-pub"), s => s.AddComponent(Pubsub, RedisPubSubYaml()));
        await PublishAsync(publisher, prefix + "orders", new JsonObject { ["seq"] = -1, ["key"] = "w" });
        await WaitForAsync(() => ReceivedAsync(first), r => r.Count >= 1, Deadline, r => first.Runtime.Describe()); // subscribed

        await first.Runtime.StopAsync();
        for (var seq = 0; seq < 10; seq++) await PublishAsync(publisher, prefix + "orders", new JsonObject { ["seq"] = seq, ["key"] = "w" }, "w");

        var again = await StartAsync(cluster, appId, prefix);
        var received = await WaitForAsync(() => ReceivedAsync(again), r => r.Count >= 10, Deadline, r => r.Count + " received\n" + again.Runtime.Describe());
        Assert.Equal(Enumerable.Range(0, 10), received.Select(Seq));
    }

    [Fact(Timeout = 300_000)]
    public async Task An_event_that_keeps_failing_holds_up_only_its_own_partition_key()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var app = await StartAsync(cluster, InvocationCluster.NewAppId("ps-poison-key"), prefix);

        // Key "stuck": its first event fails far more often than the test lasts (no dead-letter topic: redelivered every 1 s).
        await PublishAsync(app, prefix + "orders", new JsonObject { ["seq"] = 0, ["key"] = "stuck", ["fail"] = 1000 }, "stuck");
        await PublishAsync(app, prefix + "orders", new JsonObject { ["seq"] = 1, ["key"] = "stuck" }, "stuck");
        for (var seq = 10; seq < 20; seq++) await PublishAsync(app, prefix + "orders", new JsonObject { ["seq"] = seq, ["key"] = "free" }, "free");

        var received = await WaitForAsync(() => ReceivedAsync(app), r => r.Count(x => x["key"]!.GetValue<string>() == "free") >= 10, Deadline,
            r => r.Count + " received\n" + app.Runtime.Describe());
        Assert.Equal(Enumerable.Range(10, 10), received.Where(x => x["key"]!.GetValue<string>() == "free").Select(Seq));
        // The key behind the failing event waits: its second event is not delivered out of order.
        Assert.DoesNotContain(received, x => x["key"]!.GetValue<string>() == "stuck");
    }
}
