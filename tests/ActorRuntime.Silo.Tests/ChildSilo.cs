using System.Diagnostics;
using System.Text;

namespace ActorRuntime.Silo.Tests;

/// <summary>A silo in a child process (this test assembly's Main), so a test can kill it without any shutdown.</summary>
internal sealed class ChildSilo : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildSilo(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"child silo exited early (code {SafeExitCode()}):\n{Log}"));
    }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public int Pid => _process.Id;

    public static ChildSilo Start(string database)
    {
        var assembly = typeof(ChildSilo).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(assembly);
        psi.ArgumentList.Add("child-silo");
        psi.ArgumentList.Add(database);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildSilo(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The silo address the child printed once it started.</summary>
    public async Task<string> WaitReady(TimeSpan timeout, CancellationToken ct)
    {
        var done = await Task.WhenAny(_ready.Task, Task.Delay(timeout, ct));
        if (done != _ready.Task) throw new TimeoutException($"child silo not ready after {timeout.TotalSeconds:0}s:\n{Log}");
        return await _ready.Task;
    }

    /// <summary>SIGKILL: no graceful shutdown, the membership row stays Active.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
        if (line.StartsWith("READY ", StringComparison.Ordinal)) _ready.TrySetResult(line["READY ".Length..].Trim());
    }

    private string SafeExitCode()
    {
        try
        {
            return _process.ExitCode.ToString();
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
