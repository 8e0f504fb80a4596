using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>
/// A cluster started the way a user starts one: <c>dotnet actorrt.dll cluster up --store ... --silos N --gateways M</c>
/// with a private <c>ACTORRT_HOME</c>. PIDs and ports come from the state file the command writes
/// (<c>$ACTORRT_HOME/clusters/{clusterId}.json</c>). Every wait is bounded; disposing leaves no process behind.
/// </summary>
public sealed partial class LocalCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public sealed record Member(string Name, string Role, int Pid, int? SiloPort, int? GatewayPort, string? AppId, int? HttpPort, int? GrpcPort, int? ExitCode)
    {
        public Uri Http => new($"http://127.0.0.1:{HttpPort}");
    }

    private sealed record StateFile(string ClusterId, int SupervisorPid, bool Ready, List<Member> Processes);

    private LocalCluster(Process process, string clusterId, string home, string dll)
    {
        _process = process;
        ClusterId = clusterId;
        Home = home;
        Dll = dll;
    }

    public string ClusterId { get; }
    public string Home { get; }
    public string Dll { get; }
    public int SupervisorPid => _process.Id;
    public bool HasExited => _exited.Task.IsCompleted;
    public IReadOnlyList<Member> Members { get; private set; } = [];
    public IReadOnlyList<Member> Silos => [.. Members.Where(m => m.Role == "silo")];
    public IReadOnlyList<Member> Gateways => [.. Members.Where(m => m.Role == "gateway")];

    /// <summary>Everything <c>actorrt cluster up</c> printed (its own lines and every process's, prefixed), with seconds since start.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The last lines, each cut to 300 characters (Orleans warnings carry whole stack traces).</summary>
    public string OutputTail(int lines) => string.Join('\n', _output.TakeLast(lines).Select(l => l.Length <= 300 ? l : l[..300] + " ..."));

    /// <summary>The lines <c>cluster up</c> printed itself (processes, ports, exits), without the forwarded process output.</summary>
    public string SupervisorLines => string.Join('\n', _output.Where(l => !l.Contains("] == ", StringComparison.Ordinal)));

    public static async Task<LocalCluster> StartAsync(string store, string connectionString, int silos, int gateways, string resourcesPath, string clusterId, string home,
        IReadOnlyList<string>? extraArgs = null)
    {
        var dll = await ActorRuntimeBinary.GetAsync();
        Directory.CreateDirectory(home);
        var inv = CultureInfo.InvariantCulture;
        var psi = ActorRuntimeBinary.Dotnet([
            dll, "cluster", "up", "--store", store, "--connection-string", connectionString,
            "--silos", silos.ToString(inv), "--gateways", gateways.ToString(inv), "--cluster-id", clusterId,
            "--resources-path", resourcesPath, "--dapr-http-port", "0", "--dapr-grpc-port", "0",
            "--timeout", ((int)StartTimeout.TotalSeconds - 10).ToString(inv), .. extraArgs ?? [],
        ]);
        psi.Environment["ACTORRT_HOME"] = home;
        psi.WorkingDirectory = home;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var cluster = new LocalCluster(process, clusterId, home, dll);
        process.OutputDataReceived += (_, e) => cluster.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => cluster.OnLine(e.Data);
        process.Exited += (_, _) => cluster._exited.TrySetResult(SafeExitCode(process));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var done = await Task.WhenAny(cluster._up.Task, cluster._exited.Task, Task.Delay(StartTimeout));
            if (done != cluster._up.Task)
                throw new InvalidOperationException(
                    (done == cluster._exited.Task ? $"actorrt cluster up exited with code {cluster._exited.Task.Result}" : $"the cluster was not up within {StartTimeout.TotalSeconds} s") +
                    $"\n--- output ---\n{cluster.Output}");
            cluster.Refresh();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _output.Enqueue($"[{_clock.Elapsed.TotalSeconds,7:0.00}] {line}");
        if (line.Contains($"Cluster '{ClusterId}' is up", StringComparison.Ordinal)) _up.TrySetResult();
    }

    private static int SafeExitCode(Process p)
    {
        try { return p.ExitCode; }
        catch (InvalidOperationException) { return -1; }
    }

    /// <summary>Re-reads PIDs and ports from the state file.</summary>
    public void Refresh()
    {
        var file = Path.Combine(Home, "clusters", ClusterId + ".json");
        var state = JsonSerializer.Deserialize<StateFile>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException($"empty state file {file}");
        Members = state.Processes;
    }

    public Member Silo(int index) => Silos[index - 1];

    /// <summary><c>kill -9</c>.</summary>
    public static void Kill(Member m) => Signal(m.Pid, 9);

    /// <summary>SIGTERM: the silo leaves the cluster gracefully.</summary>
    public static void Terminate(Member m) => Signal(m.Pid, 15);

    /// <summary>True once the process is gone (or a zombie); false if it is still running after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitGoneAsync(int pid, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (IsRunning(pid))
        {
            if (sw.Elapsed > timeout) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>Running, i.e. neither gone nor a zombie waiting to be reaped by <c>cluster up</c>.</summary>
    public static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (File.Exists(stat))
        {
            try
            {
                var text = File.ReadAllText(stat);
                var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
                return state is not ("Z" or "X");
            }
            catch (IOException)
            {
                return false;
            }
        }
        return OperatingSystem.IsLinux() ? false : Signal(pid, 0) == 0;
    }

    /// <summary>Runs <c>actorrt cluster down --cluster-id</c> (bounded) and waits for <c>cluster up</c> to exit.</summary>
    public async Task<(int ExitCode, string Output, int? UpExitCode)> DownAsync(TimeSpan timeout)
    {
        var psi = ActorRuntimeBinary.Dotnet([Dll, "cluster", "down", "--cluster-id", ClusterId]);
        psi.Environment["ACTORRT_HOME"] = Home;
        var (code, output, _) = await ActorRuntimeBinary.RunToEndAsync(psi, timeout);
        var done = await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        return (code, output, done == _exited.Task ? _exited.Task.Result : null);
    }

    /// <summary>SIGTERM to <c>cluster up</c> (it stops gateways, then silos); anything still running after 90 s is killed.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Member> members;
        try
        {
            Refresh();
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException)
        {
        }
        members = [.. Members];
        if (!HasExited)
        {
            Signal(_process.Id, 15);
            await Task.WhenAny(_exited.Task, Task.Delay(TimeSpan.FromSeconds(90)));
        }
        if (!HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        foreach (var m in members.Where(m => IsRunning(m.Pid))) Signal(m.Pid, 9);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        _process.Dispose();
    }

    private static int Signal(int pid, int signal) => OperatingSystem.IsWindows() ? -1 : SysKill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
