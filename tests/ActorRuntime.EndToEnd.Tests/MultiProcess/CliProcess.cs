using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ActorRuntime.EndToEnd.Tests.Infrastructure;

namespace ActorRuntime.EndToEnd.Tests.MultiProcess;

/// <summary>Any <c>actorrt</c> command as a child process, with its output kept line by line; always stopped on dispose.</summary>
internal sealed partial class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private CliProcess(Process process) => _process = process;

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Output => string.Join('\n', _lines);

    public static async Task<CliProcess> StartAsync(string home, string? workingDirectory, params string[] args)
    {
        var dll = await RuntimeBinary.GetAsync();
        var psi = new ProcessStartInfo(DotnetHost.Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        DotnetHost.CleanEnvironment(psi);
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ACTORRT_HOME"] = home;
        psi.Environment.Remove("ACTORRT_CLUSTER"); // these tests are about the real machine-local cluster
        var process = new Process { StartInfo = psi };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) cli._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) cli._lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.Any(match)) return;
            if (_process.HasExited) break;
            await Task.Delay(100);
        }
        throw new TimeoutException($"expected output not seen within {timeout.TotalSeconds} s (exited: {_process.HasExited}). Output:\n{Output}");
    }

    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited) _ = Kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(grace);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (15 SIGTERM, 2 SIGINT) without waiting.</summary>
    public void Signal(int signal) => _ = Kill(_process.Id, signal);

    /// <summary><c>kill -9</c>: the process gets no chance to leave the cluster.</summary>
    public void KillHard()
    {
        _ = Kill(_process.Id, 9);
        _process.WaitForExit(10_000);
    }

    public int ExitCode => _process.ExitCode;

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task<HttpStatusCode?> HealthAsync(HttpClient http, int port)
    {
        try
        {
            using var r = await http.GetAsync($"http://127.0.0.1:{port}/v1.0/healthz");
            return r.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public static async Task WaitHealthyAsync(HttpClient http, int port, TimeSpan timeout, CliProcess owner)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await HealthAsync(http, port) == HttpStatusCode.NoContent) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"port {port} not healthy within {timeout.TotalSeconds} s. Output:\n{owner.Output}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
