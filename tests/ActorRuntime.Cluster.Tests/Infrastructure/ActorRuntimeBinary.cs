using System.Diagnostics;
using System.Text;

namespace ActorRuntime.Cluster.Tests.Infrastructure;

/// <summary>
/// The <c>actorrt</c> binary under test: <c>ACTORRT_BIN</c> (the dll, or the folder holding it) when set, otherwise
/// <c>src/Cli</c> built once into <c>&lt;test bin&gt;/actorrt-bin</c>, guarded by an in-process gate and an exclusive lock
/// file so parallel test processes never build into one folder at once.
/// </summary>
public static class ActorRuntimeBinary
{
    public const string BinEnvVar = "ACTORRT_BIN";
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
        if (!Path.IsPathRooted(value) && !File.Exists(path) && !Directory.Exists(path)) path = Path.GetFullPath(Path.Combine(RepoRoot, value));
        if (Directory.Exists(path)) path = Path.Combine(path, "actorrt.dll");
        if (!File.Exists(path)) throw new InvalidOperationException($"{BinEnvVar}={value}: no actorrt.dll at {path}");
        return path;
    }

    private static async Task<string> BuildAsync()
    {
        var project = Path.Combine(RepoRoot, "src", "Cli", "ActorRuntime.Cli.csproj");
        var output = Path.Combine(AppContext.BaseDirectory, "actorrt-bin");
        await using var fileLock = await AcquireLockAsync(Path.Combine(AppContext.BaseDirectory, "actorrt-bin.lock"), BuildTimeout);
        var psi = Dotnet(["build", project, "-c", "Release", "-o", output, "-nologo", "-v", "quiet", "-clp:ErrorsOnly"]);
        psi.WorkingDirectory = RepoRoot;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var (code, text, timedOut) = await RunToEndAsync(psi, BuildTimeout);
        var dll = Path.Combine(output, "actorrt.dll");
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

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "src", "Cli", "ActorRuntime.Cli.csproj"))) return dir.FullName;
        throw new InvalidOperationException($"no repository root (with src/Cli/ActorRuntime.Cli.csproj) above {AppContext.BaseDirectory}");
    }

    /// <summary>A <c>dotnet</c> start info with the given arguments, free of the MSBuild/VSTest variables <c>dotnet test</c> exports.</summary>
    private static readonly string IsolatedHome = Directory.CreateTempSubdirectory("actorrt-test-home-").FullName;

    public static ProcessStartInfo Dotnet(IEnumerable<string> args)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";
        var psi = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in psi.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("DAPR_", StringComparison.Ordinal) || name == "ACTORRT_CLUSTER_CONNECTION")
                psi.Environment.Remove(name);
        }
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // Never the user's own home: a CA there (made by `actorrt run`) would turn mTLS on for this process alone.
        // Callers that share a home between processes set their sandbox's.
        psi.Environment["ACTORRT_HOME"] = IsolatedHome;
        return psi;
    }

    /// <summary>Runs a short command to completion (killed after <paramref name="timeout"/>), output interleaved.</summary>
    public static async Task<(int ExitCode, string Output, bool TimedOut)> RunToEndAsync(ProcessStartInfo psi, TimeSpan timeout)
    {
        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            lock (output) return (-1, output.ToString(), true);
        }
        lock (output) return (process.ExitCode, output.ToString(), false);
    }
}
