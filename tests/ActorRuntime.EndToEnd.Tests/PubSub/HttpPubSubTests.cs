using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// <c>POST /v1.0/publish</c> as daprd answers it, and the CloudEvent a subscriber receives: the envelope daprd builds,
/// an app's own CloudEvent completed, <c>rawPayload</c>, <c>ttlInSeconds</c>, and Dapr's errors. The subscriber here is
/// a declarative <c>Subscription</c> (v2alpha1, scoped) routing to an endpoint that records the whole body.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class HttpPubSubTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static string SubscriptionYaml(string topic, string appId, string name = "capture", bool raw = false) => $"""
        apiVersion: dapr.io/v2alpha1
        kind: Subscription
        metadata:
          name: {name}
        spec:
          pubsubname: {Pubsub}
          topic: {topic}
          routes:
            default: /raw/capture
          metadata:
            rawPayload: "{(raw ? "true" : "false")}"
        scopes:
        - {appId}
        """;

    [Fact(Timeout = 300_000)]
    public async Task Publish_and_bulk_publish_wrap_complete_and_pass_raw_payloads_as_daprd_does()
    {
        await using var cluster = new InvocationCluster();
        var prefix = NewPrefix();
        var appId = InvocationCluster.NewAppId("ps-http");
        var topic = prefix + "capture";
        var rawTopic = prefix + "rawsub";
        var app = await StartAsync(cluster, appId, prefix, s =>
        {
            s.AddComponent("capture-subscription", SubscriptionYaml(topic, appId));
            s.AddComponent("raw-subscription", SubscriptionYaml(rawTopic, appId, "rawcapture", raw: true));
        });
        var http = app.Http;
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        async Task PublishAsync(string query, string body, string? contentType, string? trace = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/publish/{Pubsub}/{topic}{query}") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            if (trace is not null) request.Headers.Add("traceparent", trace);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"publish {query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        await PublishAsync("", "hello", "text/plain", traceparent);
        await PublishAsync("?metadata.ttlInSeconds=3600", """{"seq":1,"key":"j"}""", "application/json");
        await PublishAsync("", """{"specversion":"1.0","id":"my-id","source":"my-source","type":"my.type","datacontenttype":"application/json","data":{"seq":2,"key":"c"},"myext":"kept"}""",
            "application/cloudevents+json");
        await PublishAsync("?metadata.rawPayload=true", "raw-bytes", "application/octet-stream");
        await PublishAsync("?metadata.cloudevent.id=fixed-id&metadata.cloudevent.source=custom", "x", "text/plain");
        using (var bulk = await http.PostAsync($"/v1.0-alpha1/publish/bulk/{Pubsub}/{topic}", new StringContent("""
                   [{"entryId":"b1","event":{"seq":10,"key":"bulk"},"contentType":"application/json"},
                    {"entryId":"b2","event":"bulk text","contentType":"text/plain"}]
                   """, Encoding.UTF8, "application/json")))
        {
            Assert.True(bulk.StatusCode == HttpStatusCode.NoContent, $"bulk: {(int)bulk.StatusCode} {await bulk.Content.ReadAsStringAsync()}");
        }

        using (var toRaw = await http.PostAsync($"/v1.0/publish/{Pubsub}/{rawTopic}", new StringContent("""{"seq":50}""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.NoContent, toRaw.StatusCode);

        var bodies = (await WaitForAsync(() => ReceivedAsync(app), r => r.Count >= 8, Deadline, r => r.Count + " received\n" + app.Runtime.Describe()))
            .Select(r => JsonNode.Parse(r["body"]!.GetValue<string>())!.AsObject()).ToList();
        foreach (var b in bodies) output.WriteLine(b.ToJsonString());
        JsonObject Find(Func<JsonObject, bool> match) => bodies.Single(match);

        var text = Find(b => b["data"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && b["data"]!.GetValue<string>() == "hello");
        Assert.Equal(appId, text["source"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", text["type"]!.GetValue<string>());
        Assert.Equal("1.0", text["specversion"]!.GetValue<string>());
        Assert.Equal("text/plain", text["datacontenttype"]!.GetValue<string>());
        Assert.Equal(topic, text["topic"]!.GetValue<string>());
        Assert.Equal(Pubsub, text["pubsubname"]!.GetValue<string>());
        Assert.True(Guid.TryParse(text["id"]!.GetValue<string>(), out _));
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", text["traceparent"]!.GetValue<string>());
        Assert.Equal(text["traceparent"]!.GetValue<string>(), text["traceid"]!.GetValue<string>());
        Assert.EndsWith("Z", text["time"]!.GetValue<string>());
        Assert.Null(text["expiration"]);

        var json = Find(b => b["data"] is JsonObject d && d["seq"]?.GetValue<int>() == 1);
        Assert.Equal("application/json", json["datacontenttype"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(json["expiration"]!.GetValue<string>()) > DateTimeOffset.UtcNow.AddMinutes(50));

        var own = Find(b => b["id"]?.GetValue<string>() == "my-id");
        Assert.Equal(("my-source", "my.type", "kept", topic, Pubsub), (own["source"]!.GetValue<string>(), own["type"]!.GetValue<string>(),
            own["myext"]!.GetValue<string>(), own["topic"]!.GetValue<string>(), own["pubsubname"]!.GetValue<string>()));
        Assert.NotNull(own["time"]);

        // A raw subscription gets the stored bytes (here a whole CloudEvent) base64-encoded in daprd's wrapper.
        var rawSub = Find(b => b["topic"]?.GetValue<string>() == rawTopic);
        var inner = JsonNode.Parse(Convert.FromBase64String(rawSub["data_base64"]!.GetValue<string>()))!;
        Assert.Equal(50, inner["data"]!["seq"]!.GetValue<int>());

        var raw = Find(b => b["data_base64"] is not null && b["topic"]?.GetValue<string>() == topic);
        Assert.Equal("raw-bytes", Encoding.UTF8.GetString(Convert.FromBase64String(raw["data_base64"]!.GetValue<string>())));
        Assert.Equal(("Dapr", "application/octet-stream"), (raw["source"]!.GetValue<string>(), raw["datacontenttype"]!.GetValue<string>()));

        Assert.Equal("application/json", Find(b => b["data"] is JsonObject d && d["seq"]?.GetValue<int>() == 10)["datacontenttype"]!.GetValue<string>());
        Assert.Equal("text/plain", Find(b => b["data"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && b["data"]!.GetValue<string>() == "bulk text")["datacontenttype"]!.GetValue<string>());

        var overridden = Find(b => b["id"]?.GetValue<string>() == "fixed-id");
        Assert.Equal("custom", overridden["source"]!.GetValue<string>());

        // The metadata API lists both declarative subscriptions as daprd does (the default route as a rule without a match).
        var metadata = JsonNode.Parse(await http.GetStringAsync("/v1.0/metadata"))!;
        var listed = metadata["subscriptions"]!.AsArray().Select(x => x!.AsObject()).Where(x => x["topic"]!.GetValue<string>() == topic).ToList();
        var declared = Assert.Single(listed);
        Assert.Equal((Pubsub, "DECLARATIVE", "/raw/capture"), (declared["pubsubname"]!.GetValue<string>(), declared["type"]!.GetValue<string>(),
            declared["rules"]!.AsArray().Single()!["path"]!.GetValue<string>()));
        Assert.Equal("false", declared["metadata"]!["rawPayload"]!.GetValue<string>());
    }

    [Fact(Timeout = 300_000)]
    public async Task Malformed_and_forbidden_publishes_get_Daprs_errors()
    {
        await using var cluster = new InvocationCluster();
        var appId = InvocationCluster.NewAppId("ps-err");
        // publishingScopes: this app may publish to topic t only.
        var app = await StartAsync(cluster, appId, NewPrefix(), componentYaml: RedisPubSubYaml(("publishingScopes", $"{appId}=t")));

        async Task ExpectAsync(string path, string body, string contentType, int status, string errorCode)
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var response = await app.Http.PostAsync(path, content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"{path}: expected {status}, got {(int)response.StatusCode} {text}");
            var error = JsonNode.Parse(text)!;
            Assert.Equal(errorCode, error["errorCode"]!.GetValue<string>());
            Assert.DoesNotContain("   at ", error["message"]!.GetValue<string>());
        }

        await ExpectAsync("/v1.0/publish/nope/topic", "x", "text/plain", 404, "ERR_PUBSUB_NOT_FOUND");
        await ExpectAsync($"/v1.0/publish/{Pubsub}/t?metadata.ttlInSeconds=soon", "x", "text/plain", 400, "ERR_PUBSUB_REQUEST_METADATA");
        await ExpectAsync($"/v1.0/publish/{Pubsub}/t", "{not json", "application/cloudevents+json", 500, "ERR_PUBSUB_CLOUD_EVENTS_SER");
        await ExpectAsync($"/v1.0/publish/{Pubsub}/other", "x", "text/plain", 403, "ERR_PUBSUB_FORBIDDEN");
        await ExpectAsync($"/v1.0-alpha1/publish/bulk/{Pubsub}/t", """[{"entryId":"1","event":"a"},{"entryId":"1","event":"b"}]""", "application/json", 400, "ERR_PUBSUB_EVENTS_SER");
        await ExpectAsync($"/v1.0-alpha1/publish/bulk/{Pubsub}/t", "{}", "application/json", 400, "ERR_PUBSUB_EVENTS_SER");
        await ExpectAsync($"/v1.0/publish/{Pubsub}/t?metadata.rawPayload=maybe", "x", "text/plain", 400, "ERR_PUBSUB_REQUEST_METADATA");
    }
}
