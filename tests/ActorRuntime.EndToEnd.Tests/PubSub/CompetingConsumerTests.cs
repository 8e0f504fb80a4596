using System.Text;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// Three <c>actorrt run</c> processes in one machine-local cluster: two instances of app A and one of app B, all
/// subscribed to one topic. Every app id gets every event (fan-out); A's instances share A's events (competing
/// consumers, each event once); events of one partition key reach each app in publish order.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class CompetingConsumerTests(ITestOutputHelper output)
{
    private const int Events = 60;
    private const int Keys = 6;

    [Fact(Timeout = 420_000)]
    public async Task Each_app_id_gets_every_event_once_shared_across_its_instances_in_key_order()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var appA = InvocationCluster.NewAppId("ps-a");
        var appB = InvocationCluster.NewAppId("ps-b");
        var a1 = await StartAsync(cluster, appA, prefix);
        var a2 = await StartAsync(cluster, appA, prefix);
        var b = await StartAsync(cluster, appB, prefix);
        // Subscriptions are renewed every 2 s; let both A instances register before publishing, so both take a share.
        // A settle time, not an assert window: an instance's lease in the subscription grain is not visible from
        // outside (the metadata API lists only the app's own subscriptions), so there is no condition to wait on.
        await Task.Delay(TimeSpan.FromSeconds(5));

        for (var seq = 0; seq < Events; seq++)
        {
            var key = "k" + (seq % Keys);
            using var content = new StringContent(new JsonObject { ["seq"] = seq, ["key"] = key }.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await b.Http.PostAsync($"/v1.0/publish/{Pubsub}/{prefix}orders?metadata.partitionKey={key}", content);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }

        async Task<(List<JsonObject> A, List<JsonObject> B)> ReadAllAsync()
        {
            var a = (await ReceivedAsync(a1)).Concat(await ReceivedAsync(a2)).ToList();
            return (a, await ReceivedAsync(b));
        }
        var (gotA, gotB) = await WaitForAsync(ReadAllAsync, r => r.A.Count >= Events && r.B.Count >= Events, TimeSpan.FromSeconds(120),
            r => $"A {r.A.Count}, B {r.B.Count}\n{a1.Runtime.Describe()}\n{a2.Runtime.Describe()}\n{b.Runtime.Describe()}");
        await Task.Delay(TimeSpan.FromSeconds(2)); // duplicates, if any, would arrive now
        (gotA, gotB) = await ReadAllAsync();

        output.WriteLine($"A: {gotA.Count} ({string.Join(", ", gotA.GroupBy(r => r["instance"]!.GetValue<string>()).Select(g => $"{g.Key}={g.Count()}"))}), B: {gotB.Count}");
        Assert.Equal(Enumerable.Range(0, Events), gotA.Select(Seq).Order());
        Assert.Equal(Enumerable.Range(0, Events), gotB.Select(Seq).Order());
        Assert.Equal(2, gotA.Select(r => r["instance"]!.GetValue<string>()).Distinct().Count());
        foreach (var (name, got) in new[] { ("A", gotA), ("B", gotB) })
            foreach (var byKey in got.GroupBy(r => r["key"]!.GetValue<string>()))
            {
                var inArrivalOrder = byKey.OrderBy(r => r["at"]!.GetValue<long>()).Select(Seq).ToList();
                Assert.True(inArrivalOrder.SequenceEqual(inArrivalOrder.Order()), $"app {name}, key {byKey.Key}: arrived as {string.Join(",", inArrivalOrder)}");
            }
    }
}
