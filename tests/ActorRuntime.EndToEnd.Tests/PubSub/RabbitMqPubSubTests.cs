using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// <c>pubsub.rabbitmq</c> under <c>actorrt run</c> with the .NET SDK app: every event arrives, per-key order holds across
/// a retry, and with a durable queue (<c>durable</c>, <c>deletedWhenUnused: false</c>, <c>deliveryMode: 2</c>) the events
/// held unacknowledged when the runtime is killed with SIGKILL are delivered after it restarts.
/// Needs the RabbitMQ from <c>scripts/services.sh start</c> (or ACTORRT_TEST_RABBITMQ).
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class RabbitMqPubSubTests(ITestOutputHelper output)
{
    private static string Rabbit => Environment.GetEnvironmentVariable("ACTORRT_TEST_RABBITMQ") is { Length: > 0 } v ? v : "amqp://guest:guest@127.0.0.1:5690";

    [Fact(Timeout = 420_000)]
    public async Task Events_reach_the_app_in_key_order_and_survive_sigkill_of_the_runtime()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var appId = InvocationCluster.NewAppId("ps-rabbit");
        var recordFile = Path.Combine(cluster.Root, "deliveries.jsonl");
        var yaml = ComponentYaml.Component(Pubsub, "pubsub.rabbitmq", ("connectionString", Rabbit), ("durable", "true"), ("deletedWhenUnused", "false"),
            ("deliveryMode", "2"), ("redeliverInterval", "1s"));
        var app = await StartAsync(cluster, appId, prefix, recordFile: recordFile, componentYaml: yaml);
        using var client = app.Runtime.CreateDaprClient();
        // RabbitMQ keeps a message only for queues bound when it is published (as with daprd): wait until the app's
        // queue exists, i.e. until a warm-up event gets through.
        await WaitForAsync(async () =>
        {
            await client.PublishEventAsync(Pubsub, prefix + "orders", new JsonObject { ["seq"] = -1, ["key"] = "warm-up" });
            return Delivered(recordFile);
        }, d => d.Contains(-1), TimeSpan.FromSeconds(60), _ => "the warm-up event never arrived\n" + app.Runtime.Describe());

        // Two keys; seq 3 fails once (500) and holds back the rest of its key until it succeeds. Each event takes 30 ms,
        // so most are still unacknowledged in the broker when the runtime is killed.
        const int count = 40;
        for (var seq = 0; seq < count; seq++)
        {
            var key = "k" + (seq % 2);
            await client.PublishEventAsync(Pubsub, prefix + "orders", new JsonObject { ["seq"] = seq, ["key"] = key, ["fail"] = seq == 3 ? 1 : 0, ["delayMs"] = 30 },
                new Dictionary<string, string> { ["partitionKey"] = key });
        }
        await app.Runtime.KillAsync();
        output.WriteLine($"{Delivered(recordFile).Where(s => s >= 0).Distinct().Count()} of {count} delivered when killed");

        await StartAsync(cluster, appId, prefix, recordFile: recordFile, componentYaml: yaml);
        var delivered = await WaitForAsync(() => Task.FromResult(Delivered(recordFile)), d => d.Where(s => s >= 0).Distinct().Count() >= count, TimeSpan.FromSeconds(120),
            d => $"{d.Distinct().Count()} of {count}: missing {string.Join(",", Enumerable.Range(0, count).Except(d))}\n{cluster.Apps[^1].Runtime.Describe()}");
        output.WriteLine($"{delivered.Count - delivered.Distinct().Count()} duplicate deliveries");
        Assert.Equal(Enumerable.Range(0, count), delivered.Where(s => s >= 0).Distinct().Order());
        foreach (var key in new[] { 0, 1 })
        {
            var firsts = delivered.Where(s => s >= 0).Distinct().Where(s => s % 2 == key).ToList();
            Assert.True(firsts.SequenceEqual(firsts.Order()), $"key k{key}: {string.Join(",", firsts)}");
        }
    }

    private static List<int> Delivered(string file) => File.Exists(file)
        ? [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!["seq"]!.GetValue<int>())]
        : [];
}
