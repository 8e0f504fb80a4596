using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>Runs <c>tests/node/secrets.test.mjs</c> (<c>@dapr/dapr</c> <c>client.secret.get/getBulk</c>, HTTP and gRPC) against the secrets runtime.</summary>
[Collection(SecretsRuntimeCollection.Name)]
public sealed class SecretsNodeSdkTests(SecretsRuntimeFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Javascript_sdk_reads_secrets_over_http_and_grpc()
    {
        var folder = RepoPaths.NodeTests;
        await NodeModules.EnsureAsync(folder, output);
        var runtime = fixture.Runtime;
        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder };
        psi.ArgumentList.Add("--test");
        psi.ArgumentList.Add("--test-reporter=spec");
        psi.ArgumentList.Add("secrets.test.mjs");
        psi.Environment["DAPR_HTTP_PORT"] = runtime.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_GRPC_PORT"] = runtime.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_HOST"] = "127.0.0.1";
        psi.Environment["ACTORRT_SECRET_STORE"] = "localsecretstore";
        psi.Environment["ACTORRT_SCOPED_STORE"] = "scoped";
        psi.Environment["ACTORRT_SECRET_VALUE"] = fixture.FileSecret;
        psi.Environment.Remove("DAPR_API_TOKEN");
        var result = await ChildProcess.RunAsync(psi, NodeTimeout);
        output.WriteLine(result.Output);

        Assert.False(result.TimedOut, $"node --test did not finish within {NodeTimeout}:\n{result.Output}");
        Assert.True(result.ExitCode == 0, $"node --test failed (exit {result.ExitCode}):\n{result.Output}\n{runtime.Describe()}");
        Assert.Contains("@dapr/dapr secrets over HTTP", result.Output);
        Assert.Contains("@dapr/dapr secrets over gRPC", result.Output);
        Assert.Matches(@"pass 6\b", result.Output);
    }
}
