using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Bindings;

/// <summary>Runs <c>tests/node/bindings.test.mjs</c> (<c>@dapr/dapr</c> <c>client.binding.send</c>, HTTP and gRPC) against the bindings runtime.</summary>
[Collection(BindingsRuntimeCollection.Name)]
public sealed class BindingsNodeSdkTests(BindingsRuntimeFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Javascript_sdk_sends_to_output_bindings_over_http_and_grpc()
    {
        var folder = RepoPaths.NodeTests;
        await NodeModules.EnsureAsync(folder, output);
        var runtime = fixture.Runtime;
        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder };
        psi.ArgumentList.Add("--test");
        psi.ArgumentList.Add("--test-reporter=spec");
        psi.ArgumentList.Add("bindings.test.mjs");
        psi.Environment["DAPR_HTTP_PORT"] = runtime.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_GRPC_PORT"] = runtime.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_HOST"] = "127.0.0.1";
        psi.Environment["ACTORRT_PG_TABLE"] = fixture.Table + "_node";
        fixture.Sandbox.PostgresTables.Add(fixture.Table + "_node_h");
        fixture.Sandbox.PostgresTables.Add(fixture.Table + "_node_g");
        psi.Environment.Remove("DAPR_API_TOKEN");
        var result = await ChildProcess.RunAsync(psi, NodeTimeout);
        output.WriteLine(result.Output);

        Assert.False(result.TimedOut, $"node --test did not finish within {NodeTimeout}:\n{result.Output}");
        Assert.True(result.ExitCode == 0, $"node --test failed (exit {result.ExitCode}):\n{result.Output}\n{runtime.Describe()}");
        Assert.Contains("@dapr/dapr bindings over HTTP", result.Output);
        Assert.Contains("@dapr/dapr bindings over gRPC", result.Output);
        Assert.Matches(@"pass 8\b", result.Output);
    }
}
