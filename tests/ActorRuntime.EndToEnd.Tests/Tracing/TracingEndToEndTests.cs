using System.Net;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;
using ActorRuntime.EndToEnd.Tests.PubSub;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Tracing;

/// <summary>
/// <c>spec.tracing</c> with a Zipkin exporter, written as Dapr's docs write it, on separate <c>actorrt run</c> processes:
/// the spans a local Zipkin receiver gets form one tree from the calling app's context down to the called app.
/// </summary>
[Collection(InvocationCollection.Name)]
public sealed class TracingEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ZipkinSink _zipkin = new();
    private static readonly TimeSpan SpanWait = TimeSpan.FromSeconds(30);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _zipkin.DisposeAsync();

    private string WriteConfig(InvocationCluster cluster)
    {
        var path = Path.Combine(cluster.Root, "tracing.yaml");
        File.WriteAllText(path, $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: tracing
            spec:
              tracing:
                samplingRate: "1"
                zipkin:
                  endpointAddress: "{_zipkin.EndpointAddress}"
            """);
        return path;
    }

    private static (string TraceId, string SpanId, string Header) NewTraceParent()
    {
        var trace = Guid.NewGuid().ToString("N");
        var span = Guid.NewGuid().ToString("N")[..16];
        return (trace, span, $"00-{trace}-{span}-01");
    }

    /// <summary>The one HTTP or delivery span (grain-call spans, e.g. a directory lookup, may sit beside it).</summary>
    private static ZipkinSpan Single(IReadOnlyList<ZipkinSpan> spans, string service, string kind, string? parentId, string what) =>
        spans.SingleOrDefault(s => s.Service == service && s.Kind == kind && s.ParentId == parentId && !s.Name.Contains("Grain", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no {kind} span of {service} under {parentId ?? "(root)"} ({what}); trace:\n{ZipkinSink.Describe(spans)}");

    [Fact]
    public async Task An_invocation_from_app_A_to_app_B_is_one_trace_through_both_gateways()
    {
        await using var cluster = new InvocationCluster();
        var config = WriteConfig(cluster);
        var b = await cluster.StartEchoAsync(InvocationCluster.NewAppId("trace-b"), extraArguments: ["--config", config]);
        var a = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("trace-a"), extraArguments: ["--config", config]);
        await InvocationCluster.WaitUntilReachableAsync(a, b.AppId);

        var (traceId, appSpan, header) = NewTraceParent();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/invoke/{b.AppId}/method/orders/1") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("traceparent", header);
        var echoed = await Echoed.ReadAsync(await a.Http.SendAsync(request));
        Assert.Equal(HttpStatusCode.OK, echoed.Status);
        var received = echoed.Header("traceparent")!; // what app B got: the context of B's call into it
        Assert.StartsWith($"00-{traceId}-", received);

        var spans = await _zipkin.WaitForTraceAsync(traceId, s =>
            s.Any(x => x.Service == b.AppId && x.Kind == "CLIENT") && s.Any(x => x.Service == a.AppId && x.Kind == "CLIENT"), SpanWait);
        output.WriteLine(ZipkinSink.Describe(spans));

        // app A → gateway A (server) → its call to gateway B (client) → gateway B (server) → its call to app B (client).
        var serverA = Single(spans, a.AppId, "SERVER", appSpan, "gateway A takes the app's request");
        var clientA = Single(spans, a.AppId, "CLIENT", serverA.Id, "gateway A calls gateway B");
        var serverB = Single(spans, b.AppId, "SERVER", clientA.Id, "gateway B takes the call");
        var clientB = Single(spans, b.AppId, "CLIENT", serverB.Id, "gateway B calls app B");
        Assert.Equal(received.Split('-')[2], clientB.Id);
        Assert.All(spans, s => Assert.Equal(traceId, s.TraceId));
    }

    [Fact]
    public async Task A_publish_and_its_delivery_are_one_trace_through_the_cloud_event()
    {
        await ExternalServices.EnsureRedisAsync();
        await using var cluster = new InvocationCluster();
        var config = WriteConfig(cluster);
        var prefix = PubSubApps.NewPrefix();
        var env = new Dictionary<string, string> { ["TOPIC_PREFIX"] = prefix, ["PUBSUB_NAME"] = PubSubApps.Pubsub };
        var subscriber = await cluster.StartCommandAsync(InvocationCluster.NewAppId("trace-sub"), "http", await TestApps.CommandAsync(PubSubApps.AppName),
            s => s.AddComponent(PubSubApps.Pubsub, PubSubApps.RedisPubSubYaml()), ["--config", config], env);
        var publisher = await cluster.StartWithoutAppAsync(InvocationCluster.NewAppId("trace-pub"),
            s => s.AddComponent(PubSubApps.Pubsub, PubSubApps.RedisPubSubYaml()), ["--config", config]);

        var (traceId, appSpan, header) = NewTraceParent();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1.0/publish/{PubSubApps.Pubsub}/{prefix}orders")
        {
            Content = new StringContent("""{"seq":1,"key":"traced"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("traceparent", header);
        Assert.Equal(HttpStatusCode.NoContent, (await publisher.Http.SendAsync(request)).StatusCode);
        await PubSubApps.WaitForAsync(() => PubSubApps.ReceivedAsync(subscriber), r => r.Count > 0, TimeSpan.FromSeconds(60), r => r.Count.ToString());

        var spans = await _zipkin.WaitForTraceAsync(traceId, s =>
            s.Any(x => x.Service == subscriber.AppId && x.Kind == "CLIENT") && s.Any(x => x.Service == publisher.AppId && x.ParentId == appSpan), SpanWait);
        output.WriteLine(ZipkinSink.Describe(spans));

        // app → publisher's gateway (server span, whose context goes into the CloudEvent) → the subscriber's delivery
        // (consumer span) → its call into the app (client span).
        var publish = Single(spans, publisher.AppId, "SERVER", appSpan, "the publish request");
        var delivery = Single(spans, subscriber.AppId, "CONSUMER", publish.Id, "the delivery");
        Assert.Equal($"process {prefix}orders", delivery.Name);
        Single(spans, subscriber.AppId, "CLIENT", delivery.Id, "the POST to the app");
        Assert.All(spans, s => Assert.Equal(traceId, s.TraceId));
    }
}
