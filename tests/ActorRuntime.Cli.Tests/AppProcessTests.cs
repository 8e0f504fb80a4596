using System.Diagnostics;
using ActorRuntime.Cli.Apps;
using ActorRuntime.Cli.Processes;

namespace ActorRuntime.Cli.Tests;

/// <summary>Stopping an app stops everything it started, as <c>npm start</c> (npm → sh → node) needs.</summary>
public sealed class AppProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorrt-app-").FullName;

    [Fact]
    public async Task Stop_signals_the_whole_tree_and_returns_within_the_grace_period()
    {
        if (OperatingSystem.IsWindows()) return;
        var log = Path.Combine(_dir, "app.log");
        using var output = LineWriter.ToFile(log, alsoConsole: false);
        // A shell that starts a grandchild which ignores nothing but would outlive a signal sent to the shell alone.
        var app = AppProcess.Start(["/bin/sh", "-c", "sleep 300 & echo child $!; wait"], _dir, new Dictionary<string, string>(), "== APP == ", output);
        var child = await WaitForChildAsync(log, TimeSpan.FromSeconds(20));
        Assert.True(ProcessTree.IsRunning(child));

        var clock = Stopwatch.StartNew();
        await app.StopAsync(TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"stop took {clock.Elapsed}");
        Assert.True(app.StoppedByUs);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (ProcessTree.IsRunning(child) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(ProcessTree.IsRunning(child), "the app's child process survived the stop");
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_tree_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        if (OperatingSystem.IsWindows()) return;
        var log = Path.Combine(_dir, "stubborn.log");
        using var output = LineWriter.ToFile(log, alsoConsole: false);
        var app = AppProcess.Start(["/bin/sh", "-c", "trap '' TERM; sleep 300 & echo child $!; wait; wait"], _dir, new Dictionary<string, string>(), "", output);
        var child = await WaitForChildAsync(log, TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();
        await app.StopAsync(TimeSpan.FromSeconds(1));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"stop took {clock.Elapsed}");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (ProcessTree.IsRunning(child) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(ProcessTree.IsRunning(child));
        await app.DisposeAsync();
    }

    private static async Task<int> WaitForChildAsync(string log, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = File.Exists(log) ? File.ReadAllLines(log).FirstOrDefault(l => l.Contains("child ", StringComparison.Ordinal)) : null;
            if (line is not null) return int.Parse(line[(line.IndexOf("child ", StringComparison.Ordinal) + 6)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(50);
        }
        throw new TimeoutException("the app did not report its child");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
