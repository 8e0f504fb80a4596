using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorRuntime.Cli.Apps;

/// <summary>
/// The user's app, started beside its gateway with Dapr's environment (<c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>,
/// <c>APP_ID</c>, <c>APP_PORT</c>); its output is forwarded line by line behind a prefix, as <c>dapr run</c> does.
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AppProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public Task<int> Exited { get; private set; } = Task.FromResult(0);

    public static AppProcess Start(IReadOnlyList<string> command, string? workingDirectory, IReadOnlyDictionary<string, string> environment, string prefix)
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
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Out.WriteLine(prefix + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Out.WriteLine(prefix + e.Data); };
        if (!process.Start()) throw new InvalidOperationException($"could not start '{command[0]}'");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppProcess(process) { Exited = WaitAndDrain(process, exited.Task) };
    }

    private static async Task<int> WaitAndDrain(Process process, Task<int> exited)
    {
        var code = await exited;
        await process.WaitForExitAsync(); // flushes the redirected output
        return code;
    }

    /// <summary>SIGTERM, then SIGKILL to the whole tree if the app has not exited within the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        if (OperatingSystem.IsWindows()) _process.Kill(entireProcessTree: true);
        else _ = Kill(_process.Id, 15);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited && !_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await Exited;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
