using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;
using static ActorRuntime.EndToEnd.Tests.PubSub.PubSubApps;

namespace ActorRuntime.EndToEnd.Tests.PubSub;

/// <summary>
/// <c>actorrt run</c> without <c>--resources-path</c> writes a default <c>pubsub</c> component (durable, on a SQLite
/// file beside the state store's) and uses it: a Dapr.AspNetCore subscriber gets what is published to it.
/// </summary>
[Collection(PubSubCollection.Name)]
public sealed class DefaultPubSubTests
{
    [Fact(Timeout = 300_000)]
    public async Task Without_resources_path_the_default_pubsub_is_written_and_delivers()
    {
        using var sandbox = new RuntimeSandbox();
        var prefix = NewPrefix();
        var appPort = FreePort();
        await using var runtime = await RuntimeProcess.StartAsync(sandbox, new RuntimeStartOptions
        {
            UseResourcesPath = false,
            ExtraArguments = ["--app-port", appPort.ToString(CultureInfo.InvariantCulture)],
            AppCommand = await TestApps.CommandAsync(AppName),
            Environment = new Dictionary<string, string> { ["TOPIC_PREFIX"] = prefix, ["PUBSUB_NAME"] = Pubsub },
            StartTimeout = InvocationCluster.StartTimeout,
        });
        Assert.True(File.Exists(Path.Combine(sandbox.Home, "components", "pubsub.yaml")), $"no default pubsub.yaml under {sandbox.Home}/components");

        for (var seq = 0; seq < 5; seq++)
        {
            using var content = new StringContent(new JsonObject { ["seq"] = seq, ["key"] = "d" }.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await runtime.Http.PostAsync($"/v1.0/publish/{Pubsub}/{prefix}orders?metadata.partitionKey=d", content);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        var app = new InvocationApp(runtime, appPort);
        var received = await WaitForAsync(() => ReceivedAsync(app), r => r.Count >= 5, TimeSpan.FromSeconds(90), r => r.Count + " received\n" + runtime.Describe());
        Assert.Equal(Enumerable.Range(0, 5), received.Select(Seq));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
