using ActorRuntime.Cli.Processes;

namespace ActorRuntime.Cli.Apps;

/// <summary>
/// The user's app, started beside its gateway with Dapr's environment (<c>DAPR_HTTP_PORT</c>, <c>DAPR_GRPC_PORT</c>,
/// <c>APP_ID</c>, <c>APP_PORT</c>); its output goes line by line, behind a prefix, to the app's log destination.
/// The app keeps our stdin (an interactive app may read the terminal) and shares our session, as under <c>dapr run</c>.
/// </summary>
internal static class AppProcess
{
    public static ChildProcess Start(IReadOnlyList<string> command, string? workingDirectory, IReadOnlyDictionary<string, string> environment,
        string prefix, TextWriter output) => ChildProcess.Start(new ChildProcessStart
        {
            Command = command,
            WorkingDirectory = workingDirectory,
            Environment = environment,
            LinePrefix = prefix,
            Output = output,
        });
}
