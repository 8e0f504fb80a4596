using System.Diagnostics;

namespace ActorRuntime.Bench;

/// <summary>
/// One <c>dotnet actorrt.dll silo|gateway ...</c> child process of the cluster scenario, its output in a log file.
/// Stopped with SIGTERM (graceful: a silo leaves the cluster), SIGKILL after a bounded wait; killed when the bench exits.
/// </summary>
internal sealed class ClusterProcess : IAsyncDisposable
{
    private readonly StreamWriter _log;
    private readonly string _home;
    private int _stopped;

    private ClusterProcess(string name, Process process, StreamWriter log, string logPath, string home)
    {
        Name = name;
        Process = process;
        _log = log;
        LogPath = logPath;
        _home = home;
    }

    public string Name { get; }
    public Process Process { get; }
    public string LogPath { get; }

    public static ClusterProcess Start(string name, string actorrtDll, IEnumerable<string> args, string logPath)
    {
        var home = Directory.CreateTempSubdirectory("actorrt-bench-home-").FullName;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(actorrtDll)!,
        };
        psi.ArgumentList.Add(actorrtDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ACTORRT_HOME"] = home;
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        if (!process.Start()) throw new BenchFailedException($"could not start {name}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ClusterProcess(name, process, log, logPath, home);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => child.Kill();
        Console.CancelKeyPress += (_, _) => child.Kill();
        return child;
    }

    public void ThrowIfExited()
    {
        if (Process.HasExited)
            throw new BenchFailedException($"{Name} exited with code {Process.ExitCode}; log {LogPath}:\n{LogTail()}");
    }

    public string LogTail(int lines = 30)
    {
        lock (_log) _log.Flush();
        try
        {
            using var fs = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return string.Join('\n', new StreamReader(fs).ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException) { return "(log unreadable)"; }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        try
        {
            if (!Process.HasExited)
            {
                try
                {
                    using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardError = true });
                    term?.WaitForExit(2000);
                }
                catch (System.ComponentModel.Win32Exception) { }
                using var wait = new CancellationTokenSource(grace);
                try { await Process.WaitForExitAsync(wait.Token); }
                catch (OperationCanceledException) { Kill(); }
            }
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await Process.WaitForExitAsync(last.Token); } catch (OperationCanceledException) { }
        }
        finally
        {
            lock (_log) _log.Dispose();
            try { Directory.Delete(_home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(TimeSpan.FromSeconds(15)));

    private void Kill()
    {
        try { if (!Process.HasExited) Process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }
}
