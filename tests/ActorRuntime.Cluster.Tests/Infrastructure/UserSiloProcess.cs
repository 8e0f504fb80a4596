using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>
/// The sample <c>samples/csharp-grains</c> (a user's own silo host, <c>UserSilo</c>): built once per test process in
/// Release into a temporary folder (or taken from <c>ACTORRT_USERSILO_BIN</c>), guarded by an in-process gate and an
/// exclusive lock file like <see cref="ActorRuntimeBinary"/>.
/// </summary>
public static class UserSiloBinary
{
    public const string BinEnvVar = "ACTORRT_USERSILO_BIN";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _resolved;

    public static async Task<string> GetAsync()
    {
        if (_resolved is not null) return _resolved;
        await Gate.WaitAsync();
        try
        {
            return _resolved ??= Environment.GetEnvironmentVariable(BinEnvVar) is { Length: > 0 } fromEnv ? FromEnvironment(fromEnv) : await BuildAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static string FromEnvironment(string value)
    {
        var path = Path.GetFullPath(value);
        if (Directory.Exists(path)) path = Path.Combine(path, "UserSilo.dll");
        if (!File.Exists(path)) throw new InvalidOperationException($"{BinEnvVar}={value}: no UserSilo.dll at {path}");
        return path;
    }

    private static async Task<string> BuildAsync()
    {
        var project = Path.Combine(ActorRuntimeBinary.RepoRoot, "samples", "csharp-grains", "UserSilo.csproj");
        // One folder per repository checkout, so two worktrees never share (or overwrite) one build.
        var stem = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ActorRuntimeBinary.RepoRoot)))[..12];
        var root = Path.Combine(Path.GetTempPath(), "actorrt-cluster-tests", $"usersilo-bin-{stem}");
        Directory.CreateDirectory(root);
        var output = Path.Combine(root, "out");
        await using var fileLock = await AcquireLockAsync(Path.Combine(root, "build.lock"), BuildTimeout);
        var psi = ActorRuntimeBinary.Dotnet(["build", project, "-c", "Release", "-o", output, "-nologo", "-v", "quiet", "-clp:ErrorsOnly"]);
        psi.WorkingDirectory = ActorRuntimeBinary.RepoRoot;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var (code, text, timedOut) = await ActorRuntimeBinary.RunToEndAsync(psi, BuildTimeout);
        var dll = Path.Combine(output, "UserSilo.dll");
        if (timedOut) throw new InvalidOperationException($"building {project} took longer than {BuildTimeout}:\n{text}");
        if (code != 0 || !File.Exists(dll)) throw new InvalidOperationException($"building {project} failed (exit {code}):\n{text}");
        return dll;
    }

    private static async Task<FileStream> AcquireLockAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}

/// <summary>
/// One <c>UserSilo</c> process (<c>dotnet UserSilo.dll --cluster ... --gateway-port N</c>): its output with the time
/// each line arrived (on a clock shared by the test), ready once the host logs "Application started". Every wait is
/// bounded; disposing kills whatever is still running.
/// </summary>
public sealed partial class UserSiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _clock;
    private readonly ConcurrentQueue<(TimeSpan At, string Line)> _lines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private UserSiloProcess(string name, int gatewayPort, Process process, Stopwatch clock)
    {
        Name = name;
        GatewayPort = gatewayPort;
        _process = process;
        _clock = clock;
    }

    public string Name { get; }
    public int GatewayPort { get; }
    public int Pid { get; private set; }
    public bool HasExited => _exited.Task.IsCompleted;
    public Task<int> Exited => _exited.Task;
    public IReadOnlyList<(TimeSpan At, string Line)> Lines => [.. _lines];

    public string OutputTail(int lines) => string.Join('\n', _lines.TakeLast(lines).Select(l => $"[{l.At.TotalSeconds,7:0.00}] {(l.Line.Length <= 300 ? l.Line : l.Line[..300] + " ...")}"));

    public static UserSiloProcess Start(string dll, string name, int gatewayPort, IEnumerable<string> args, string home, Stopwatch clock)
    {
        var psi = ActorRuntimeBinary.Dotnet([dll, .. args, "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture)]);
        psi.Environment["ACTORRT_HOME"] = home;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        psi.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        psi.WorkingDirectory = home;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var silo = new UserSiloProcess(name, gatewayPort, process, clock);
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data);
        process.Exited += (_, _) => silo._exited.TrySetResult(SafeExitCode(process));
        process.Start();
        silo.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _lines.Enqueue((_clock.Elapsed, line));
        if (line.Contains("Application started", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_ready.Task, _exited.Task, Task.Delay(timeout));
        if (done != _ready.Task)
            throw new InvalidOperationException(
                (done == _exited.Task ? $"{Name} exited with code {_exited.Task.Result}" : $"{Name} was not ready within {timeout.TotalSeconds} s") +
                $"\n--- output ---\n{OutputTail(60)}");
    }

    /// <summary><c>kill -9</c>.</summary>
    public void Kill() => SysKill(Pid, 9);

    /// <summary>SIGTERM, then waits (bounded) for the exit; returns the exit code, or null if it is still running.</summary>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        if (!HasExited) SysKill(Pid, 15);
        var done = await Task.WhenAny(_exited.Task, Task.Delay(timeout));
        return done == _exited.Task ? _exited.Task.Result : null;
    }

    private static int SafeExitCode(Process p)
    {
        try { return p.ExitCode; }
        catch (InvalidOperationException) { return -1; }
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
