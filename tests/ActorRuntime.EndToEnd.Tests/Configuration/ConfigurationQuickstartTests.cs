using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.MultiProcess;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Configuration;

/// <summary>
/// Dapr's configuration quickstart (C# and JavaScript SDKs) run with <c>actorrt run</c> from the app's folder, as
/// <c>dapr run</c> runs it, its component pointed at the test Redis: it prints both items, then a change made meanwhile.
/// </summary>
public sealed class ConfigurationQuickstartTests(ITestOutputHelper output)
{
    [Theory(Timeout = 600_000)]
    [InlineData("csharp/sdk", "dotnet", "run")]
    [InlineData("javascript/sdk", "node", "index.js")]
    public async Task The_order_processor_reads_and_follows_its_items(string sample, string command, string argument)
    {
        await ExternalServices.EnsureRedisAsync();
        var sampleRoot = Path.Combine(RepoPaths.Root, "samples", "configuration");
        var app = Path.Combine(sampleRoot, sample, "order-processor");
        if (command == "node")
        {
            await NodeModules.EnsureAsync(app, output);
        }
        else
        {
            var build = new ProcessStartInfo(DotnetHost.Path) { WorkingDirectory = app };
            foreach (var a in new[] { "build", "-nologo", "-v", "quiet", "-clp:ErrorsOnly" }) build.ArgumentList.Add(a);
            DotnetHost.CleanEnvironment(build);
            var built = await ChildProcess.RunAsync(build, TimeSpan.FromMinutes(5));
            Assert.True(built.ExitCode == 0, $"building {sample} failed:\n{built.Output}");
        }

        using var sandbox = new RuntimeSandbox();
        var component = File.ReadAllText(Path.Combine(sampleRoot, "components", "config-store.yaml")).Replace("localhost:6379", ExternalServices.RedisHost);
        File.WriteAllText(Path.Combine(sandbox.Resources, "config-store.yaml"), component);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ExternalServices.RedisHost);
        var db = redis.GetDatabase();
        await db.StringSetAsync([new("orderId1", "101||1"), new("orderId2", "102||1")]);

        Environment.SetEnvironmentVariable("QUICKSTART_SECONDS", "60");
        CliProcess run;
        try
        {
            run = await CliProcess.StartAsync(sandbox.Home, app, "run", "--app-id", "order-processor", "--resources-path", sandbox.Resources,
                "--dapr-http-port", CliProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--dapr-grpc-port", CliProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--", command, argument);
        }
        finally
        {
            Environment.SetEnvironmentVariable("QUICKSTART_SECONDS", null);
        }
        await using (run)
        {
            try
            {
                await run.WaitForLineAsync(l => l.Contains("Configuration for orderId2", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
                // Change the item until the app reports it (its subscription starts just after the first read).
                var watch = Stopwatch.StartNew();
                for (var n = 2; watch.Elapsed < TimeSpan.FromSeconds(40) && !run.Output.Contains("\"103\"", StringComparison.Ordinal); n++)
                {
                    await db.StringSetAsync("orderId1", $"103||{n}");
                    await Task.Delay(500);
                }
                Assert.Contains(run.Output.Split('\n'), l => l.Contains("Configuration for orderId1", StringComparison.Ordinal) && l.Contains("101", StringComparison.Ordinal));
                Assert.Contains(run.Output.Split('\n'), l => l.Contains("Configuration update {\"orderId1\"", StringComparison.Ordinal) && l.Contains("103", StringComparison.Ordinal));
            }
            finally
            {
                output.WriteLine(run.Output);
            }
        }
    }
}
