using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorRuntime.Cli.Processes;

/// <summary>
/// A process we start and own: the user's app under <c>actorrt run</c>, or a silo/gateway of <c>actorrt cluster up</c>.
/// Its output is forwarded line by line behind a prefix (the last lines kept for start-up diagnostics); a stop sends
/// SIGTERM to it and everything it started, and SIGKILL to whatever is left after the grace period.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    /// <summary>How long to wait for the exit to be reported after SIGKILL (it cannot be refused; this only bounds a stuck reaper).</summary>
    private static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _recent = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>The exit code (-1 when unknown), once the child has exited and its output has been forwarded.</summary>
    public Task<int> Exited { get; private set; } = Task.FromResult(0);

    public bool HasExited => Exited.IsCompleted;

    /// <summary>True when the child ended because we stopped it (its exit code then says nothing about it).</summary>
    public bool StoppedByUs { get; private set; }

    /// <summary>The last lines the child printed.</summary>
    public string RecentOutput => string.Join('\n', _recent);

    public static ChildProcess Start(ChildProcessStart start)
    {
        ArgumentOutOfRangeException.ThrowIfZero(start.Command.Count);
        var useSetsid = start.OwnSession && OperatingSystem.IsLinux() && File.Exists("/usr/bin/setsid");
        var psi = new ProcessStartInfo(useSetsid ? "/usr/bin/setsid" : start.Command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = start.DetachInput,
            WorkingDirectory = start.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in useSetsid ? start.Command : start.Command.Skip(1)) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => start.DropEnvironmentPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
            psi.Environment.Remove(key);
        foreach (var (k, v) in start.Environment) psi.Environment[k] = v;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(SafeExitCode(process));
        process.OutputDataReceived += (_, e) => child.OnLine(start, e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(start, e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start '{psi.FileName}'");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.Exited = WaitAndDrain(process, exited.Task, start.DrainLimit);
        return child;
    }

    private void OnLine(ChildProcessStart start, string? line)
    {
        if (line is null) return;
        _recent.Enqueue(line);
        while (_recent.Count > KeptLines && _recent.TryDequeue(out _)) { }
        start.Output.WriteLine(start.LinePrefix + line);
    }

    private static async Task<int> WaitAndDrain(Process process, Task<int> exited, TimeSpan drainLimit)
    {
        var code = await exited;
        using var drain = new CancellationTokenSource(drainLimit);
        try { await process.WaitForExitAsync(drain.Token); } // flushes the redirected output
        catch (OperationCanceledException) { } // something the child started still holds the pipe: stop waiting for it
        return code;
    }

    private static int SafeExitCode(Process p)
    {
        try { return p.ExitCode; }
        catch (InvalidOperationException) { return -1; }
    }

    /// <summary>
    /// SIGTERM to the child and everything it started, then SIGKILL to whatever is left after <paramref name="grace"/>.
    /// True when the whole tree ended within the grace period.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (HasExited) return true;
        StoppedByUs = true;
        var tree = ProcessTree.Collect(_process.Id);
        if (OperatingSystem.IsWindows()) KillWindowsTree();
        else ProcessTree.Signal(tree, ProcessTree.SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        while (!timeout.IsCancellationRequested && tree.Any(ProcessTree.IsRunning))
        {
            try { await Task.Delay(50, timeout.Token); } catch (OperationCanceledException) { }
        }
        var graceful = !tree.Any(ProcessTree.IsRunning);
        if (!graceful) Kill(tree);
        await Task.WhenAny(Exited, Task.Delay(AfterKill));
        return graceful;
    }

    /// <summary>SIGKILL to the child's whole tree, at once (a second Ctrl+C).</summary>
    public void Kill()
    {
        if (HasExited) return;
        StoppedByUs = true;
        Kill(ProcessTree.Collect(_process.Id));
    }

    private void Kill(IReadOnlyList<int> tree)
    {
        if (OperatingSystem.IsWindows())
        {
            KillWindowsTree();
            return;
        }
        // Collected again: a child may have started one more process while we waited.
        var all = tree.Concat(HasExitedSafe() ? [] : ProcessTree.Collect(_process.Id)).Distinct().Where(ProcessTree.IsRunning).ToList();
        ProcessTree.Signal(all, ProcessTree.SigKill);
    }

    private void KillWindowsTree()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private bool HasExitedSafe()
    {
        try { return _process.HasExited; }
        catch (InvalidOperationException) { return true; }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }
}
