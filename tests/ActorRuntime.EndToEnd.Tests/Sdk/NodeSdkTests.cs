using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Sdk;

[CollectionDefinition(Name)]
public sealed class NodeSdkCollection
{
    public const string Name = "node sdk";
}

/// <summary>
/// Runs <c>tests/node/state.test.mjs</c> (the official JavaScript SDK, <c>@dapr/dapr</c>, over HTTP and gRPC) against a
/// runtime started here. Installs the SDK with <c>npm ci</c> first when <c>node_modules</c> is missing.
/// </summary>
[Collection(NodeSdkCollection.Name)]
public sealed class NodeSdkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Javascript_sdk_state_and_metadata_over_http_and_grpc()
    {
        var folder = RepoPaths.NodeTests;
        Assert.True(File.Exists(Path.Combine(folder, "state.test.mjs")), $"no state.test.mjs in {folder}");
        await NodeModules.EnsureAsync(folder, output);

        using var sandbox = new RuntimeSandbox().AddSqlite("statestore");
        await using var runtime = await RuntimeProcess.StartAsync(sandbox);

        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder };
        psi.ArgumentList.Add("--test");
        psi.ArgumentList.Add("--test-reporter=spec");
        psi.ArgumentList.Add("state.test.mjs");
        psi.Environment["DAPR_HTTP_PORT"] = runtime.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_GRPC_PORT"] = runtime.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_HOST"] = "127.0.0.1";
        psi.Environment["ACTORRT_APP_ID"] = runtime.AppId;
        psi.Environment["ACTORRT_STATE_STORE"] = "statestore";
        psi.Environment.Remove("DAPR_API_TOKEN");
        var result = await ChildProcess.RunAsync(psi, NodeTimeout);
        output.WriteLine(result.Output);

        Assert.False(result.TimedOut, $"node --test did not finish within {NodeTimeout}:\n{result.Output}\n{runtime.Describe()}");
        Assert.True(result.ExitCode == 0, $"node --test failed (exit {result.ExitCode}):\n{result.Output}\n{runtime.Describe()}");
        // Guard against a run that silently tested nothing: both protocols, six tests each.
        Assert.Contains("@dapr/dapr over HTTP", result.Output);
        Assert.Contains("@dapr/dapr over gRPC", result.Output);
        Assert.Matches(@"pass 12\b", result.Output);
    }
}
