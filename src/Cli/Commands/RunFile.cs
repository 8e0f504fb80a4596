namespace ActorRuntime.Cli.Commands;

/// <summary>Turns a Dapr multi-app run file into per-app run options.</summary>
internal static class RunFile
{
    public static IReadOnlyList<RunOptions> Load(string path) =>
        throw new UsageException("multi-app run files are not supported yet");
}
