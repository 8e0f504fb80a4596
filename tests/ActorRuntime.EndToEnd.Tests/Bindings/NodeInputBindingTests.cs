using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.Invocation;
using Xunit.Abstractions;
using static ActorRuntime.EndToEnd.Tests.Bindings.InputBindingApps;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary>
/// The JavaScript SDK's <c>server.binding.receive</c> under <c>actorrt run</c>: over HTTP the SDK answers the
/// <c>OPTIONS</c> probe and takes <c>POST /{name}</c>; over gRPC it lists the binding in <c>ListInputBindings</c> and
/// gets <c>OnBindingEvent</c>. Cron ticks must reach the handler either way.
/// </summary>
[Collection(InputBindingsCollection.Name)]
public sealed class NodeInputBindingTests(ITestOutputHelper output)
{
    [Theory(Timeout = 420_000)]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task DaprServer_binding_receive_gets_cron_events(string appProtocol)
    {
        var folder = RepoPaths.NodeTests;
        await NodeModules.EnsureAsync(folder, output);
        await using var cluster = new InvocationCluster();
        var record = System.IO.Path.Combine(cluster.Root, "node-bindings.jsonl");
        var env = new Dictionary<string, string> { ["BINDING_NAME"] = "schedule", ["RECORD_FILE"] = record, ["APP_PROTOCOL"] = appProtocol };
        var app = await cluster.StartCommandAsync(InvocationCluster.NewAppId("cron-node"), appProtocol, ["node", System.IO.Path.Combine(folder, "binding-app.mjs")],
            s =>
            {
                s.AddComponent("schedule", Cron("schedule", "@every 1s"));
                s.AddComponent("ignored", Cron("ignored", "@every 1s")); // not received by the app: never delivered
            }, environment: env);
        var got = await WaitForAsync(record, r => r.Count >= 3, TimeSpan.FromSeconds(90), app.Runtime.Describe);
        Assert.All(got, r => Assert.Equal("schedule", r["binding"]!.GetValue<string>()));
        Assert.Contains("Input binding schedule (bindings.cron) delivers to the app", app.Runtime.Output);
        Assert.DoesNotContain("Input binding ignored (bindings.cron) delivers", app.Runtime.Output);
    }
}
