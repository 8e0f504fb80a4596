using System.Net;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Actors.ActorRuns;

namespace ActorRuntime.EndToEnd.Tests.Actors;

/// <summary>
/// <c>tests/node/actors.test.mjs</c> (the official JavaScript SDK) as the app of <c>actorrt run --app-id nodeapp
/// --app-port P -- node --test actors.test.mjs</c>, beside ActorHost in another run of the same cluster: Node hosts
/// NodeCounterActor and calls it, Node calls the C# CounterActor, and C# (raw HTTP through ActorHost's runtime)
/// calls NodeCounterActor. Installs the SDK with <c>npm ci</c> when <c>node_modules</c> is missing.
/// </summary>
[Collection(ActorCollection.Name)]
public sealed class NodeActorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(4);

    [Fact(Timeout = 600_000)]
    public async Task Javascript_sdk_hosts_and_calls_actors_next_to_a_dotnet_actor_host()
    {
        var folder = RepoPaths.NodeTests;
        var script = Path.Combine(folder, "actors.test.mjs");
        Assert.True(File.Exists(script), $"no actors.test.mjs in {folder}");
        await NodeModules.EnsureAsync(folder, output);

        using var sandbox = new RuntimeSandbox();
        await using var csharp = await StartHostAsync(sandbox, "actorhost", cluster: "default");

        var signal = Path.Combine(sandbox.Root, "node-done");
        var options = new RuntimeStartOptions
        {
            AppId = "nodeapp",
            Cluster = "default",
            UseResourcesPath = false,
            StartTimeout = StartTimeout,
            ExtraArguments = ["--app-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--", "node", "--test", "--test-reporter=spec", script],
            Environment = new Dictionary<string, string> { ["ACTORRT_NODE_SIGNAL"] = signal },
        };
        await using var node = await RuntimeProcess.StartAsync(sandbox, options);
        try
        {
            await WaitForLinesAsync(node, "NODE_ACTOR_READY", 1, NodeTimeout, "the Node tests before the hand-off");

            // C# side: NodeCounterActor through ActorHost's runtime (another app's gateway), plain JSON.
            var actors = new ActorHttp(csharp.Http);
            var id = ActorHttp.NewId("from-dotnet");
            Assert.Equal(1, await actors.CallIntAsync("NodeCounterActor", id, "increment"));
            Assert.Equal(2, await actors.CallIntAsync("NodeCounterActor", id, "increment"));
            Assert.Equal(2, await actors.CallIntAsync("NodeCounterActor", id, "get"));
            using (var state = await new ActorHttp(node.Http).GetStateAsync("NodeCounterActor", id, "count"))
                Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        }
        finally
        {
            File.WriteAllText(signal, "done");
        }

        var code = await node.WaitForExitAsync(NodeTimeout);
        output.WriteLine(node.Output);
        Assert.True(code == 0, $"node --test failed (exit {code?.ToString() ?? "still running"}):\n{node.Describe()}\n{csharp.Describe()}");
        Assert.Matches(@"pass 5\b", node.Output);
        Assert.Matches(@"fail 0\b", node.Output);
    }
}
