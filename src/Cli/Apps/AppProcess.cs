using System.Diagnostics;

namespace ActorRuntime.Cli.Apps;

/// <summary>
/// The user's app, started beside its gateway with Dapr's environment (<c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>,
/// <c>APP_ID</c>, <c>APP_PORT</c>); its output goes line by line, behind a prefix, to the app's log destination.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    /// <summary>How long output may still arrive after the app exited (a grandchild may hold the pipe open).</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(1);

    private readonly Process _process;

    private AppProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>The exit code, once the app has exited and its output has been forwarded.</summary>
    public Task<int> Exited { get; private set; } = Task.FromResult(0);

    /// <summary>True when the app ended because we stopped it (its exit code then says nothing about the app).</summary>
    public bool StoppedByUs { get; private set; }

    public static AppProcess Start(IReadOnlyList<string> command, string? workingDirectory, IReadOnlyDictionary<string, string> environment,
        string prefix, TextWriter output)
    {
        var psi = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.WriteLine(prefix + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.WriteLine(prefix + e.Data); };
        if (!process.Start()) throw new InvalidOperationException($"could not start '{command[0]}'");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppProcess(process) { Exited = WaitAndDrain(process, exited.Task) };
    }

    private static async Task<int> WaitAndDrain(Process process, Task<int> exited)
    {
        var code = await exited;
        using var drain = new CancellationTokenSource(DrainLimit);
        try { await process.WaitForExitAsync(drain.Token); } // flushes the redirected output
        catch (OperationCanceledException) { } // something the app started still holds the pipe: stop waiting for it
        return code;
    }

    /// <summary>
    /// SIGTERM to the app and everything it started, then SIGKILL to whatever is left after <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Exited.IsCompleted) return;
        StoppedByUs = true;
        var tree = ProcessTree.Collect(_process.Id);
        if (OperatingSystem.IsWindows()) _process.Kill(entireProcessTree: true);
        else ProcessTree.Signal(tree, ProcessTree.SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        while (!timeout.IsCancellationRequested && tree.Any(ProcessTree.IsRunning))
        {
            try { await Task.Delay(50, timeout.Token); } catch (OperationCanceledException) { }
        }
        Kill(tree);
        await Exited;
    }

    /// <summary>SIGKILL to the app's whole tree, at once (a second Ctrl+C).</summary>
    public void Kill()
    {
        if (Exited.IsCompleted) return;
        StoppedByUs = true;
        Kill(ProcessTree.Collect(_process.Id));
    }

    private void Kill(IReadOnlyList<int> tree)
    {
        // Collected again: a child may have started one more process while we waited.
        var all = tree.Concat(_process.HasExited ? [] : ProcessTree.Collect(_process.Id)).Distinct().Where(ProcessTree.IsRunning).ToList();
        if (OperatingSystem.IsWindows()) { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        else ProcessTree.Signal(all, ProcessTree.SigKill);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }
}
