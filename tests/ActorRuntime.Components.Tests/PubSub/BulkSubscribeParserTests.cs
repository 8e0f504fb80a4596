using System.Text.Json;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.PubSub.Subscriptions;

namespace ActorRuntime.Components.Tests.PubSub;

/// <summary><c>bulkSubscribe</c> as <c>GET /dapr/subscribe</c> (Dapr.AspNetCore, @dapr/dapr) and Subscription files write it.</summary>
public sealed class BulkSubscribeParserTests
{
    [Fact]
    public void Programmatic_bulkSubscribe_with_values_defaults_and_disabled()
    {
        using var json = JsonDocument.Parse("""
            [
              {"pubsubname":"pubsub","topic":"a","route":"/a","bulkSubscribe":{"enabled":true,"maxMessagesCount":500,"maxAwaitDurationMs":2000}},
              {"pubsubname":"pubsub","topic":"b","route":"/b","bulkSubscribe":{"enabled":true}},
              {"pubsubname":"pubsub","topic":"c","route":"/c","bulkSubscribe":{"enabled":false,"maxMessagesCount":5}},
              {"pubsubname":"pubsub","topic":"d","route":"/d"},
              {"pubsubname":"pubsub","topic":"e","route":"/e","bulkSubscribe":{"enabled":true,"maxMessagesCount":0,"maxAwaitDurationMs":0}}
            ]
            """);
        var subs = SubscriptionParser.ParseProgrammatic(json.RootElement);

        Assert.Equal(new BulkSubscribeOptions(500, 2000), subs[0].Bulk);
        Assert.Equal(new BulkSubscribeOptions(100, 1000), subs[1].Bulk);
        Assert.Null(subs[2].Bulk);
        Assert.Null(subs[3].Bulk);
        Assert.Equal(new BulkSubscribeOptions(100, 1000), subs[4].Bulk); // 0 is "not set" (proto default)
    }

    [Theory]
    [InlineData("""{"enabled":"maybe"}""", "bulkSubscribe.enabled")]
    [InlineData("""{"enabled":true,"maxMessagesCount":-1}""", "bulkSubscribe.maxMessagesCount")]
    [InlineData("""{"enabled":true,"maxAwaitDurationMs":"soon"}""", "bulkSubscribe.maxAwaitDurationMs")]
    [InlineData("[]", "bulkSubscribe must be an object")]
    public void Programmatic_bulkSubscribe_mistakes_name_the_field_and_topic(string bulk, string expected)
    {
        using var json = JsonDocument.Parse($$"""[{"pubsubname":"pubsub","topic":"orders","route":"/o","bulkSubscribe":{{bulk}}}]""");
        var e = Assert.Throws<FormatException>(() => SubscriptionParser.ParseProgrammatic(json.RootElement));
        Assert.Contains(expected, e.Message);
        Assert.Contains("orders", e.Message);
    }

    [Fact]
    public void Declarative_bulkSubscribe_is_read_from_the_spec()
    {
        var dir = Directory.CreateTempSubdirectory("subs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "bulk.yaml"), """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: bulk
                spec:
                  pubsubname: pubsub
                  topic: t
                  routes:
                    default: /bulk
                  bulkSubscribe:
                    enabled: true
                    maxMessagesCount: 50
                    maxAwaitDurationMs: 40
                """);
            var sub = Assert.Single(SubscriptionParser.ParseDeclarative(ResourceLoader.LoadDocuments([dir]), "a"));
            Assert.Equal(new BulkSubscribeOptions(50, 40), sub.Bulk);

            File.WriteAllText(Path.Combine(dir, "bulk.yaml"), """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: badbulk
                spec:
                  pubsubname: pubsub
                  topic: t
                  routes:
                    default: /bulk
                  bulkSubscribe:
                    enabled: true
                    maxMessagesCount: lots
                """);
            var e = Assert.Throws<ComponentConfigurationException>(() => SubscriptionParser.ParseDeclarative(ResourceLoader.LoadDocuments([dir]), "a"));
            Assert.Contains("bulk.yaml", e.Message);
            Assert.Contains("badbulk", e.Message);
            Assert.Contains("maxMessagesCount", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
