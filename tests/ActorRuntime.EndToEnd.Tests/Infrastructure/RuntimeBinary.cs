using System.Diagnostics;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Locates the <c>actorrt</c> binary under test: <c>ACTORRT_BIN</c> (the dll, or the folder holding it) when set,
/// otherwise <c>src/Cli</c> built once into <c>&lt;test bin&gt;/actorrt-bin</c>. The build is guarded by an in-process
/// gate and by an exclusive lock file, so parallel collections (or parallel test processes) never build twice at once.
/// </summary>
public static class RuntimeBinary
{
    public const string BinEnvVar = "ACTORRT_BIN";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _resolved;
    private static Exception? _failure;

    /// <summary>Full path of <c>actorrt.dll</c>, built if needed. A failed build is reported to every caller, not retried.</summary>
    public static async Task<string> GetAsync()
    {
        if (_resolved is not null) return _resolved;
        await Gate.WaitAsync();
        try
        {
            if (_resolved is not null) return _resolved;
            if (_failure is not null) throw new InvalidOperationException("the runtime binary is unavailable (see the first failure)", _failure);
            try
            {
                _resolved = Environment.GetEnvironmentVariable(BinEnvVar) is { Length: > 0 } fromEnv
                    ? FromEnvironment(fromEnv)
                    : await BuildAsync();
            }
            catch (Exception ex)
            {
                _failure = ex;
                throw;
            }
            return _resolved;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static string FromEnvironment(string value)
    {
        // A relative path is taken from the current directory, else from the repository root (dotnet test runs in bin/).
        var path = Path.GetFullPath(value);
        if (!Path.IsPathRooted(value) && !File.Exists(path) && !Directory.Exists(path)) path = Path.GetFullPath(Path.Combine(RepoPaths.Root, value));
        if (Directory.Exists(path)) path = Path.Combine(path, "actorrt.dll");
        if (!File.Exists(path)) throw new InvalidOperationException($"{BinEnvVar}={value}: no actorrt.dll at {path}");
        return path;
    }

    private static Task<string> BuildAsync() =>
        ProjectBuild.BuildAsync(Path.Combine("src", "Cli", "ActorRuntime.Cli.csproj"), "Release", "actorrt-bin", "actorrt.dll", BuildTimeout);
}

/// <summary>Repository paths, found by walking up from the test binaries to the folder holding <c>src/Cli</c>.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "src", "Cli", "ActorRuntime.Cli.csproj"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no repository root (with src/Cli/ActorRuntime.Cli.csproj) above {AppContext.BaseDirectory}");
    });

    public static string Root => RootLazy.Value;

    public static string NodeTests => Path.Combine(Root, "tests", "node");
}

/// <summary>The <c>dotnet</c> host to start children with, and an environment free of the parent's MSBuild settings.</summary>
public static class DotnetHost
{
    public static string Path =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";

    /// <summary><c>dotnet test</c> exports MSBuild variables that confuse a nested <c>dotnet build</c>; drop them.</summary>
    public static void CleanEnvironment(ProcessStartInfo psi)
    {
        foreach (var name in psi.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                psi.Environment.Remove(name);
        }
    }
}
