using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorRuntime.Cli.Cluster;

/// <summary>
/// One process of a local cluster (<c>actorrt silo</c> or <c>actorrt gateway</c>): its output is forwarded line by
/// line behind <c>== name == </c>, the last lines are kept for start-up diagnostics, and it is stopped with SIGTERM
/// (SIGKILL after a grace period).
/// <para>On Linux it is started through <c>setsid</c>, in a session of its own: Ctrl+C in a terminal then reaches only
/// <c>actorrt cluster up</c>, which stops gateways before silos, instead of every process at once. (When the caller is
/// not a process-group leader, <c>setsid</c> execs in place, so the PID is the child's own.)</para>
/// </summary>
internal sealed partial class ClusterChild : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _recent = new();

    private ClusterChild(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public Task<int> Exited { get; private set; } = Task.FromResult(0);
    public bool HasExited => Exited.IsCompleted;

    /// <summary>The last lines the process printed.</summary>
    public string RecentOutput => string.Join('\n', _recent);

    public bool PrintedAddressInUse =>
        _recent.Any(l => l.Contains("address already in use", StringComparison.OrdinalIgnoreCase) ||
                         l.Contains("AddressInUse", StringComparison.OrdinalIgnoreCase));

    public static ClusterChild Start(string name, IReadOnlyList<string> command, bool ownSession)
    {
        var useSetsid = ownSession && OperatingSystem.IsLinux() && File.Exists("/usr/bin/setsid");
        var psi = new ProcessStartInfo(useSetsid ? "/usr/bin/setsid" : command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // a child never reads the terminal
        };
        foreach (var a in useSetsid ? command : command.Skip(1)) psi.ArgumentList.Add(a);
        // Dapr variables of the caller's shell are not meant for the runtime processes.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("DAPR_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ClusterChild(name, process);
        var prefix = $"== {name} == ";
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(SafeExitCode(process));
        process.OutputDataReceived += (_, e) => child.OnLine(prefix, e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(prefix, e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start {psi.FileName}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.Exited = WaitAndDrain(process, exited.Task);
        return child;
    }

    private void OnLine(string prefix, string? line)
    {
        if (line is null) return;
        _recent.Enqueue(line);
        while (_recent.Count > KeptLines && _recent.TryDequeue(out _)) { }
        Console.Out.WriteLine(prefix + line);
    }

    private static async Task<int> WaitAndDrain(Process process, Task<int> exited)
    {
        var code = await exited;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await process.WaitForExitAsync(cts.Token); } // flushes the redirected output
        catch (OperationCanceledException) { }
        return code;
    }

    private static int SafeExitCode(Process p)
    {
        try { return p.ExitCode; }
        catch (InvalidOperationException) { return -1; }
    }

    /// <summary>SIGTERM, then SIGKILL if the process has not exited within <paramref name="grace"/>. True when it stopped by itself.</summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (HasExited) return true;
        if (OperatingSystem.IsWindows()) _process.Kill(entireProcessTree: true);
        else _ = Signal(Pid, Sigterm);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) == Exited) return true;
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(10)));
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    public const int Sigterm = 15;
    public const int Sigkill = 9;

    /// <summary>kill(2); 0 on success.</summary>
    public static int Signal(int pid, int signal) => OperatingSystem.IsWindows() ? -1 : Kill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
