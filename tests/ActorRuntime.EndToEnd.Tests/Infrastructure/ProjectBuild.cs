using System.Diagnostics;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>dotnet build</c> of one project of this repository into a folder beside the test binaries, under a lock file so
/// parallel test processes never build the same output at once. Used for the runtime and for the apps tests start.
/// </summary>
public static class ProjectBuild
{
    /// <summary>Builds <paramref name="project"/> (relative to the repository root) and returns the full path of <paramref name="dllName"/>.</summary>
    public static async Task<string> BuildAsync(string project, string configuration, string outputFolder, string dllName, TimeSpan timeout)
    {
        var projectPath = Path.Combine(RepoPaths.Root, project);
        var output = Path.Combine(AppContext.BaseDirectory, outputFolder);
        var lockFile = Path.Combine(AppContext.BaseDirectory, outputFolder.Replace(Path.DirectorySeparatorChar, '-') + ".lock");
        await using var fileLock = await AcquireLockAsync(lockFile, timeout);

        var psi = new ProcessStartInfo(DotnetHost.Path) { WorkingDirectory = RepoPaths.Root };
        foreach (var a in new[] { "build", projectPath, "-c", configuration, "-o", output, "-nologo", "-v", "quiet", "-clp:ErrorsOnly" })
            psi.ArgumentList.Add(a);
        DotnetHost.CleanEnvironment(psi);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var result = await ChildProcess.RunAsync(psi, timeout);
        var dll = Path.Combine(output, dllName);
        if (result.TimedOut) throw new InvalidOperationException($"building {projectPath} took longer than {timeout}:\n{result.Output}");
        if (result.ExitCode != 0 || !File.Exists(dll))
            throw new InvalidOperationException($"building {projectPath} failed (exit {result.ExitCode}):\n{result.Output}");
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
