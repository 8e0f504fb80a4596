using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.MultiProcess;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Invocation;

/// <summary>Helpers for the samples under <c>samples/service-invocation</c> and for the Node test folder.</summary>
public static class Quickstarts
{
    public static string Folder(string relative) => Path.Combine(RepoPaths.Root, "samples", "service-invocation", relative);

    /// <summary><c>npm ci</c> when <c>node_modules/@dapr/dapr</c> is missing.</summary>
    public static Task EnsureNodeModulesAsync(string folder, ITestOutputHelper output) => NodeModules.EnsureAsync(folder, output);
}

/// <summary>
/// The service-invocation quickstarts, run as a user runs them: <c>actorrt run -f &lt;sample folder&gt;</c>. checkout sends
/// ORDER_COUNT orders to order-processor (app port 7001, as in Dapr's quickstarts), which prints each one.
/// </summary>
[Collection(InvocationCollection.Name)]
public sealed class QuickstartTests(ITestOutputHelper output)
{
    private const int Orders = 4;

    [Theory(Timeout = 600_000)]
    [InlineData("csharp/http")]
    [InlineData("csharp/sdk")]
    [InlineData("javascript/http")]
    [InlineData("javascript/sdk")]
    public async Task Service_invocation_quickstart_delivers_every_order(string sample)
    {
        var folder = Quickstarts.Folder(sample);
        Assert.True(File.Exists(Path.Combine(folder, "dapr.yaml")), $"no dapr.yaml in {folder}");
        if (sample.StartsWith("javascript/sdk", StringComparison.Ordinal))
        {
            await Quickstarts.EnsureNodeModulesAsync(Path.Combine(folder, "checkout"), output);
            await Quickstarts.EnsureNodeModulesAsync(Path.Combine(folder, "order-processor"), output);
        }
        if (sample.StartsWith("csharp", StringComparison.Ordinal))
        {
            // Build first so `dotnet run` inside the run does not compile both projects at once on a small machine.
            foreach (var app in new[] { "checkout", "order-processor" })
            {
                var psi = new ProcessStartInfo(DotnetHost.Path) { WorkingDirectory = Path.Combine(folder, app) };
                foreach (var a in new[] { "build", "-nologo", "-v", "quiet", "-clp:ErrorsOnly" }) psi.ArgumentList.Add(a);
                DotnetHost.CleanEnvironment(psi);
                var build = await ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(5));
                Assert.True(build.ExitCode == 0, $"building {sample}/{app} failed:\n{build.Output}");
            }
        }

        var home = Directory.CreateTempSubdirectory("actorrt-quickstart-").FullName;
        try
        {
            Environment.SetEnvironmentVariable("ORDER_COUNT", null);
            await using var run = await StartRunAsync(home, folder);
            var lastOrder = $"Order passed: {{\"orderId\":{Orders}}}";
            try
            {
                await run.WaitForLineAsync(l => l.Contains(lastOrder, StringComparison.Ordinal), TimeSpan.FromMinutes(5));
                // The processor's line for the last order may be printed just after checkout's.
                await run.WaitForLineAsync(l => l.Contains($"Order received : {{\"orderId\":{Orders}}}", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            }
            finally
            {
                output.WriteLine(run.Output);
            }
            var lines = run.Output.Split('\n');
            for (var i = 1; i <= Orders; i++)
            {
                var received = $"Order received : {{\"orderId\":{i}}}";
                var passed = $"Order passed: {{\"orderId\":{i}}}";
                Assert.Contains(lines, l => l.Contains("== APP - order-processor == ", StringComparison.Ordinal) && l.Contains(received, StringComparison.Ordinal));
                Assert.Contains(lines, l => l.Contains("== APP - checkout == ", StringComparison.Ordinal) && l.Contains(passed, StringComparison.Ordinal));
            }
            Assert.DoesNotContain(lines, l => l.Contains("failed:", StringComparison.Ordinal));
            // checkout has exited by itself; order-processor keeps serving until the run is stopped, as with `dapr run -f`.
            Assert.Equal(0, await run.StopAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<CliProcess> StartRunAsync(string home, string folder)
    {
        // The app processes inherit the run's environment: a few orders, quickly.
        Environment.SetEnvironmentVariable("ORDER_COUNT", Orders.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("ORDER_INTERVAL_MS", "200");
        try
        {
            return await CliProcess.StartAsync(home, folder, "run", "-f", ".");
        }
        finally
        {
            Environment.SetEnvironmentVariable("ORDER_COUNT", null);
            Environment.SetEnvironmentVariable("ORDER_INTERVAL_MS", null);
        }
    }
}
