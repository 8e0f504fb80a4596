using System.Diagnostics;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.Observability;

/// <summary>
/// Headless Chromium and Prometheus from Debian's packages, installed once per run by
/// <c>scripts/observability-tools.sh</c> (apt, as root) when missing.
/// </summary>
public static class ObservabilityTools
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (string Chromium, string Prometheus)? _paths;

    public static async Task<(string Chromium, string Prometheus)> EnsureAsync()
    {
        if (_paths is { } known) return known;
        await Gate.WaitAsync();
        try
        {
            if (_paths is { } again) return again;
            var psi = new ProcessStartInfo("bash") { WorkingDirectory = RepoPaths.Root, RedirectStandardInput = true };
            psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "observability-tools.sh"));
            psi.ArgumentList.Add("install");
            var result = await ChildProcess.RunAsync(psi, TimeSpan.FromMinutes(15));
            var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var chromium = lines.LastOrDefault(l => l.EndsWith("/chromium", StringComparison.Ordinal));
            var prometheus = lines.LastOrDefault(l => l.EndsWith("/prometheus", StringComparison.Ordinal));
            if (result.ExitCode != 0 || chromium is null || prometheus is null)
                throw new InvalidOperationException($"scripts/observability-tools.sh install failed ({result.ExitCode}):\n{result.Output}");
            _paths = (chromium, prometheus);
            return _paths.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A folder under the repository's <c>artifacts/</c> for files a person may want to look at (screenshots).</summary>
    public static string ArtifactsFolder()
    {
        var dir = Path.Combine(RepoPaths.Root, "artifacts", "observability");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
