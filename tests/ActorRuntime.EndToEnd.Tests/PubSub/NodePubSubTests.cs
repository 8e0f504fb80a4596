using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// The JavaScript SDK end to end: <c>tests/node/pubsub-app.mjs</c> subscribes with <c>DaprServer</c>
/// (<c>server.pubsub.subscribe</c>) under <c>actorrt run</c>, and <c>tests/node/pubsub-publish.mjs</c> publishes with
/// <c>client.pubsub.publish</c> over HTTP and gRPC; every event must reach the subscriber's handler, whether the
/// app is served over HTTP (<c>GET /dapr/subscribe</c>, POST) or gRPC (<c>ListTopicSubscriptions</c>, <c>OnTopicEvent</c>),
/// and with <c>server.pubsub.subscribeBulk</c> (the bulk envelope over HTTP, <c>OnBulkTopicEventAlpha1</c> over gRPC).
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class NodePubSubTests(ITestOutputHelper output)
{
    private const int PerProtocol = 5;

    [Theory(Timeout = 420_000)]
    [InlineData("http", false)]
    [InlineData("grpc", false)]
    [InlineData("http", true)]
    [InlineData("grpc", true)]
    public async Task DaprServer_subscription_gets_what_DaprClient_publishes_over_http_and_grpc(string appProtocol, bool bulk)
    {
        var folder = RepoPaths.NodeTests;
        await NodeModules.EnsureAsync(folder, output);
        await ExternalServices.EnsureRedisAsync();
        await using var cluster = new InvocationCluster();
        var topic = NewPrefix() + "orders";
        var recordFile = Path.Combine(cluster.Root, "node-deliveries.jsonl");
        var env = new Dictionary<string, string> { ["PUBSUB_NAME"] = Pubsub, ["TOPIC"] = topic, ["RECORD_FILE"] = recordFile, ["APP_PROTOCOL"] = appProtocol, ["BULK"] = bulk ? "1" : "0" };
        var app = await cluster.StartCommandAsync(InvocationCluster.NewAppId("ps-node"), appProtocol, ["node", Path.Combine(folder, "pubsub-app.mjs")],
            s => s.AddComponent(Pubsub, RedisPubSubYaml()), environment: env);

        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder };
        psi.ArgumentList.Add("pubsub-publish.mjs");
        psi.Environment["DAPR_HTTP_PORT"] = app.Runtime.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_GRPC_PORT"] = app.Runtime.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["PUBSUB_NAME"] = Pubsub;
        psi.Environment["TOPIC"] = topic;
        psi.Environment["COUNT"] = PerProtocol.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment.Remove("DAPR_API_TOKEN");
        var result = await ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(2));
        output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0 && result.Output.Contains("PUBLISHED"), $"publisher failed (exit {result.ExitCode}):\n{result.Output}\n{app.Runtime.Describe()}");

        static List<JsonNode> Read(string file) => File.Exists(file) ? [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)] : [];
        var got = await WaitForAsync(() => Task.FromResult(Read(recordFile)), r => r.Count >= 2 * PerProtocol, TimeSpan.FromSeconds(90),
            r => $"{r.Count} delivered\n{app.Runtime.Describe()}");
        // subscribeBulk over HTTP: the SDK passes each bulk entry's (empty) metadata as the handler's headers.
        if (bulk && appProtocol == "http") Assert.All(got, g => Assert.Equal(0, g["headerCount"]!.GetValue<int>()));
        foreach (var protocol in new[] { "http", "grpc" })
            Assert.Equal(Enumerable.Range(0, PerProtocol), got.Where(g => g["protocol"]!.GetValue<string>() == protocol).Select(g => g["seq"]!.GetValue<int>()).Order());
    }
}
