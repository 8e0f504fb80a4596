using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Configuration;

/// <summary>Runs <c>tests/node/configuration.test.mjs</c> (<c>@dapr/dapr</c> configuration get and subscribe) against the configuration runtime.</summary>
[Collection(ConfigurationRuntimeCollection.Name)]
public sealed class ConfigurationNodeSdkTests(ConfigurationRuntimeFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Javascript_sdk_gets_and_subscribes()
    {
        var folder = RepoPaths.NodeTests;
        await NodeModules.EnsureAsync(folder, output);
        var key = Keys.New("nodecfg");
        var db = fixture.Redis.GetDatabase();
        await db.StringSetAsync(key, "initial||1");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder };
        foreach (var a in new[] { "--test", "--test-reporter=spec", "configuration.test.mjs" }) psi.ArgumentList.Add(a);
        psi.Environment["DAPR_HTTP_PORT"] = fixture.Runtime.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DAPR_GRPC_PORT"] = fixture.Runtime.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["ACTORRT_CONFIG_STORE"] = ConfigurationRuntimeFixture.Store;
        psi.Environment["ACTORRT_CONFIG_KEY"] = key;
        psi.Environment.Remove("DAPR_API_TOKEN");
        try
        {
            var run = ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(4));
            // Keep changing the key while the SDK subscribes, so its subscription sees a change whenever it starts.
            for (var n = 2; !run.IsCompleted && n < 2000; n++)
            {
                await Task.Delay(300);
                await db.StringSetAsync(key, $"changed||{n}");
            }
            var result = await run;
            output.WriteLine(result.Output);
            Assert.True(result.ExitCode == 0, $"node --test failed (exit {result.ExitCode}):\n{result.Output}\n{fixture.Runtime.Describe()}");
            Assert.Matches(@"pass 2\b", result.Output);
        }
        finally
        {
            await db.KeyDeleteAsync(key);
        }
    }
}
