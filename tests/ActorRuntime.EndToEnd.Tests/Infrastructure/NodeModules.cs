using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>npm ci</c> in a folder whose <c>node_modules/@dapr/dapr</c> is missing, once per folder per test run: test
/// collections run in parallel, and two <c>npm ci</c> in one folder break each other (ENOENT on a fresh clone).
/// </summary>
public static class NodeModules
{
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    public static async Task EnsureAsync(string folder, ITestOutputHelper output)
    {
        var gate = Locks.GetOrAdd(Path.GetFullPath(folder), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(folder, "node_modules", "@dapr", "dapr", "package.json"))) return;
            var psi = new ProcessStartInfo("npm") { WorkingDirectory = folder };
            foreach (var a in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }) psi.ArgumentList.Add(a);
            var result = await ChildProcess.RunAsync(psi, NpmTimeout);
            output.WriteLine(result.Output);
            Assert.False(result.TimedOut, $"npm ci took longer than {NpmTimeout} in {folder}:\n{result.Output}");
            Assert.True(result.ExitCode == 0, $"npm ci failed in {folder} (exit {result.ExitCode}):\n{result.Output}");
        }
        finally
        {
            gate.Release();
        }
    }
}
