using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;
using ActorRuntime.EndToEnd.Tests.MultiProcess;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Secrets;

/// <summary>
/// Dapr's secrets-management quickstart (C# and JavaScript SDKs), run as a user runs it: <c>actorrt run -f .</c> in the
/// sample folder, the secret store's relative <c>secretsFile</c> found in the app's folder.
/// </summary>
public sealed class SecretsQuickstartTests(ITestOutputHelper output)
{
    [Theory(Timeout = 600_000)]
    [InlineData("csharp/sdk", "Fetched Secret: [secret, YourPasskeyHere]")]
    [InlineData("javascript/sdk", "Fetched Secret: {\"secret\":\"YourPasskeyHere\"}")]
    public async Task The_order_processor_prints_the_secret(string sample, string expected)
    {
        var folder = Path.Combine(RepoPaths.Root, "samples", "secrets-management", sample);
        var app = Path.Combine(folder, "order-processor");
        if (sample.StartsWith("javascript", StringComparison.Ordinal))
        {
            await NodeModules.EnsureAsync(app, output);
        }
        else
        {
            var psi = new ProcessStartInfo(DotnetHost.Path) { WorkingDirectory = app };
            foreach (var a in new[] { "build", "-nologo", "-v", "quiet", "-clp:ErrorsOnly" }) psi.ArgumentList.Add(a);
            DotnetHost.CleanEnvironment(psi);
            var build = await ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(5));
            Assert.True(build.ExitCode == 0, $"building {sample} failed:\n{build.Output}");
        }

        var home = Directory.CreateTempSubdirectory("actorrt-secrets-quickstart-").FullName;
        try
        {
            await using var run = await CliProcess.StartAsync(home, folder, "run", "-f", ".");
            var deadline = DateTime.UtcNow.AddMinutes(4);
            DateTime? exitedAt = null;
            while (DateTime.UtcNow < deadline && !run.Output.Contains(expected, StringComparison.Ordinal))
            {
                // Output may still be arriving just after the process ends.
                if (run.HasExited && (exitedAt ??= DateTime.UtcNow) < DateTime.UtcNow.AddSeconds(-3)) break;
                await Task.Delay(200);
            }
            output.WriteLine(run.Output);
            Assert.Contains(run.Output.Split('\n'), l => l.Contains("== APP - order-processor == ", StringComparison.Ordinal) && l.Contains(expected, StringComparison.Ordinal));
        }
        finally
        {
            try { Directory.Delete(home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
