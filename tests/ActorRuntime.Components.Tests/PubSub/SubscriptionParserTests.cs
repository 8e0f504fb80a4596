using System.Text.Json;
using ActorRuntime.Components.Loading;
using ActorRuntime.Components.Model;
using ActorRuntime.Components.PubSub.Subscriptions;

namespace ActorRuntime.Components.Tests.PubSub;

public sealed class SubscriptionParserTests
{
    private static JsonElement CloudEvent(string type) => JsonDocument.Parse("{\"type\":\"" + type + "\",\"data\":{\"n\":5}}").RootElement;

    [Fact]
    public void Programmatic_v1_route_and_v2_rules_with_default()
    {
        using var json = JsonDocument.Parse("""
            [
              {"pubsubname":"pubsub","topic":"orders","route":"orders","deadLetterTopic":"dead","metadata":{"rawPayload":"true"}},
              {"pubsubname":"pubsub","topic":"routed","routes":{"rules":[{"match":"event.type == \"a\"","path":"/a"},{"match":"event.data.n > 3","path":"big"}],"default":"/other"}}
            ]
            """);
        var subs = SubscriptionParser.ParseProgrammatic(json.RootElement);

        Assert.Equal("/orders", subs[0].DefaultRoute);
        Assert.Equal("dead", subs[0].DeadLetterTopic);
        Assert.True(subs[0].RawPayload);
        Assert.Equal(SubscriptionKind.Programmatic, subs[0].Kind);
        Assert.Equal("/a", subs[1].RouteFor(CloudEvent("a")));
        Assert.Equal("/big", subs[1].RouteFor(CloudEvent("b")));
        Assert.Equal("/other", subs[1].RouteFor(JsonDocument.Parse("""{"type":"b","data":{"n":1}}""").RootElement));
    }

    [Fact]
    public void Programmatic_entry_without_a_route_is_refused()
    {
        using var json = JsonDocument.Parse("""[{"pubsubname":"pubsub","topic":"orders"}]""");
        var e = Assert.Throws<FormatException>(() => SubscriptionParser.ParseProgrammatic(json.RootElement));
        Assert.Contains("orders", e.Message);
    }

    [Fact]
    public void Declarative_v2alpha1_and_v1alpha1_with_scopes()
    {
        var dir = Directory.CreateTempSubdirectory("subs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "subs.yaml"), """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: v2
                spec:
                  pubsubname: pubsub
                  topic: t2
                  routes:
                    rules:
                    - match: event.type == "x"
                      path: /x
                    default: /d
                  deadLetterTopic: dl
                scopes:
                - app1
                ---
                apiVersion: dapr.io/v1alpha1
                kind: Subscription
                metadata:
                  name: v1
                spec:
                  pubsubname: pubsub
                  topic: t1
                  route: /one
                scopes:
                - app2
                """);
            var docs = ResourceLoader.LoadDocuments([dir]);

            var app1 = SubscriptionParser.ParseDeclarative(docs, "app1");
            var app2 = SubscriptionParser.ParseDeclarative(docs, "app2");

            var v2 = Assert.Single(app1);
            Assert.Equal(("t2", "/d", "dl", SubscriptionKind.Declarative), (v2.Topic, v2.DefaultRoute, v2.DeadLetterTopic, v2.Kind));
            Assert.Equal("/x", v2.RouteFor(CloudEvent("x")));
            Assert.Equal("/one", Assert.Single(app2).DefaultRoute);
            Assert.Empty(SubscriptionParser.ParseDeclarative(docs, "app3"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Declarative_mistake_names_the_file_and_subscription()
    {
        var dir = Directory.CreateTempSubdirectory("subs-").FullName;
        try
        {
            var file = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(file, """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: broken
                spec:
                  pubsubname: pubsub
                  topic: t
                  routes:
                    rules:
                    - match: event.type ==
                      path: /x
                """);
            var e = Assert.Throws<ComponentConfigurationException>(() => SubscriptionParser.ParseDeclarative(ResourceLoader.LoadDocuments([dir]), "a"));
            Assert.Contains("bad.yaml", e.Message);
            Assert.Contains("broken", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
