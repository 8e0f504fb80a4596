using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// Bulk subscribe with the .NET SDK: a <c>Dapr.AspNetCore</c> endpoint with <c>WithBulkSubscribe</c> (20 per batch,
/// 500 ms) takes <c>BulkSubscribeMessage</c> batches and answers <c>BulkSubscribeAppResponse</c>; per-entry RETRY, DROP
/// and a missing status; per-key order across those retries.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class BulkSubscribeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly HttpClient Direct = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact(Timeout = 300_000)]
    public async Task A_bulk_subscriber_gets_full_batches_and_settles_each_entry_by_its_status_in_key_order()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var app = await StartAsync(cluster, InvocationCluster.NewAppId("ps-bulksub"), prefix);
        using var client = app.Runtime.CreateDaprClient();

        // 60 events over 30 keys (more keys than the default concurrency of 10, so a batch can only fill up to 20 when
        // the in-flight bound counts batches, not events). seq 7 fails once, 13 is dropped, 21 gets no status at first.
        for (var seq = 0; seq < 60; seq++)
        {
            var data = new JsonObject { ["seq"] = seq, ["key"] = $"k{seq % 30}" };
            if (seq == 7) data["fail"] = 1;
            if (seq == 13) data["drop"] = true;
            if (seq == 21) data["omit"] = true;
            await client.PublishEventAsync(Pubsub, prefix + "bulk", data, new Dictionary<string, string> { ["partitionKey"] = $"k{seq % 30}" });
        }

        var received = await WaitForAsync(() => ReceivedAsync(app), r => r.Where(x => Route(x) == "/bulk").Select(Seq).Distinct().Count() >= 60,
            Deadline, r => r.Count(x => Route(x) == "/bulk") + " bulk records\n" + app.Runtime.Describe());
        var bulk = received.Where(x => Route(x) == "/bulk").ToList();
        output.WriteLine(string.Join(" ", bulk.GroupBy(x => x["batch"]!.GetValue<string>()).Select(g => g.Count())));

        // Every event once: a RETRY or a missing status sends only that entry again, SUCCESS and DROP are final.
        Assert.Equal(Enumerable.Range(0, 60), bulk.Select(Seq).Order());
        Assert.True(Assert.Single(bulk, x => Seq(x) == 13)["dropped"]!.GetValue<bool>());
        // Batches: never over maxMessagesCount, and filled to it although concurrency is 10.
        var sizes = bulk.Select(x => x["size"]!.GetValue<int>()).ToList();
        Assert.All(sizes, s => Assert.InRange(s, 1, 20));
        Assert.Equal(20, sizes.Max());
        // A batch carries at most one event per key, and each key's events arrive in publish order.
        Assert.All(bulk.GroupBy(x => x["batch"]!.GetValue<string>()), g => Assert.Equal(g.Count(), g.Select(x => x["key"]!.ToString()).Distinct().Count()));
        foreach (var key in bulk.GroupBy(x => x["key"]!.ToString()))
            Assert.Equal(key.Select(Seq).Order(), key.Select(Seq));
        Assert.All(bulk, x => Assert.Equal("application/cloudevents+json", x["contentType"]!.GetValue<string>()));

        // The envelope as daprd writes it.
        var envelope = JsonNode.Parse(await Direct.GetStringAsync($"http://127.0.0.1:{app.AppPort}/bulk-envelope"))!.AsObject();
        output.WriteLine(envelope.ToJsonString());
        Assert.Equal("com.dapr.event.sent.bulk", envelope["type"]!.GetValue<string>());
        Assert.Equal(prefix + "bulk", envelope["topic"]!.GetValue<string>());
        Assert.Equal(Pubsub, envelope["pubsubname"]!.GetValue<string>());
        Assert.Equal(Pubsub, envelope["metadata"]!["pubsubName"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(envelope["id"]!.GetValue<string>()));
        var entry = envelope["entries"]!.AsArray()[0]!.AsObject();
        Assert.False(string.IsNullOrEmpty(entry["entryId"]!.GetValue<string>()));
        Assert.Equal("1.0", entry["event"]!["specversion"]!.GetValue<string>());
        Assert.NotNull(entry["metadata"]);
    }
}
