using System.Text;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// A 204 from publish means the event is in the broker: the runtime (silo, gateway and app) is killed with SIGKILL
/// right after a burst of acknowledged publishes, restarted, and every acknowledged event must reach the app. The app
/// appends each delivery to a file, so deliveries made before the kill are counted too. Duplicates are allowed
/// (at-least-once) and reported.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class CrashDeliveryTests(ITestOutputHelper output)
{
    private const int PerRound = 150;
    private const int Rounds = 2;

    [Theory(Timeout = 600_000)]
    [InlineData("pubsub.redis")]
    [InlineData("pubsub.sqlite")]
    public async Task Every_acknowledged_event_is_delivered_across_sigkill_and_restart(string type)
    {
        await using var cluster = new InvocationCluster();
        var component = type == "pubsub.redis"
            ? RedisPubSubYaml()
            : ActorRuntime.EndToEnd.Tests.Infrastructure.ComponentYaml.Component(Pubsub, type, ("connectionString", Path.Combine(cluster.Root, "pubsub.sqlite")));
        var prefix = NewPrefix();
        var appId = InvocationCluster.NewAppId("ps-crash");
        var recordFile = Path.Combine(cluster.Root, "deliveries.jsonl");
        var acknowledged = new List<int>();
        var seq = 0;
        for (var round = 0; round <= Rounds; round++)
        {
            var app = await StartAsync(cluster, appId, prefix, recordFile: recordFile, componentYaml: component);
            if (round == Rounds) break; // the last start only delivers what is left
            for (var i = 0; i < PerRound; i++, seq++)
            {
                var key = "k" + (seq % 3);
                using var content = new StringContent(new JsonObject { ["seq"] = seq, ["key"] = key, ["delayMs"] = 20 }.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await app.Http.PostAsync($"/v1.0/publish/{Pubsub}/{prefix}orders?metadata.partitionKey={key}", content);
                Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
                acknowledged.Add(seq);
            }
            // At once: the subscriber takes 20 ms per event and keys are serial, so most events are still undelivered.
            await app.Runtime.KillAsync();
            output.WriteLine($"round {round}: {acknowledged.Count} acknowledged, {Delivered(recordFile).Count} delivered when killed");
        }

        var delivered = await WaitForAsync(() => Task.FromResult(Delivered(recordFile)), d => acknowledged.All(new HashSet<int>(d).Contains),
            TimeSpan.FromSeconds(180), d => $"{acknowledged.Except(d).Count()} of {acknowledged.Count} acknowledged events missing: {string.Join(",", acknowledged.Except(d).Take(30))}\n{cluster.Apps[^1].Runtime.Describe()}");
        var duplicates = delivered.Count - delivered.Distinct().Count();
        output.WriteLine($"published and acknowledged {acknowledged.Count}, delivered {delivered.Distinct().Count()} distinct, {duplicates} duplicate deliveries");
        Assert.Equal(acknowledged.Count, delivered.Distinct().Count());

        // Per partition key, first deliveries keep publish order across the crashes (redeliveries only repeat).
        var firsts = delivered.Distinct().ToList();
        foreach (var key in Enumerable.Range(0, 3))
        {
            var ofKey = firsts.Where(s => s % 3 == key).ToList();
            Assert.True(ofKey.SequenceEqual(ofKey.Order()), $"key k{key}: first deliveries in order {string.Join(",", ofKey)}");
        }
    }

    private static List<int> Delivered(string file) => File.Exists(file)
            ? [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!["seq"]!.GetValue<int>())]
            : [];
}
