namespace ActorRuntime.Cli.Apps;

/// <summary>
/// Where one app's output and its runtime's logs go. A single <c>actorrt run</c> writes both to the console; a run
/// file writes them under <c>{appDirPath}/.dapr/logs</c> as <c>dapr run -f</c> does: <c>{appID}_app_{timestamp}.log</c>
/// and <c>{appID}_daprd_{timestamp}.log</c>, per <c>appLogDestination</c> (default <c>fileAndConsole</c>) and
/// <c>daprdLogDestination</c> (default <c>file</c>).
/// </summary>
internal sealed class AppLogs : IDisposable
{
    public const string Console = "console";
    public const string File = "file";
    public const string FileAndConsole = "fileAndConsole";

    private AppLogs(LineWriter app, LineWriter runtime, string? directory, string? appLogFile, string? runtimeLogFile)
    {
        App = app;
        Runtime = runtime;
        Directory = directory;
        AppLogFile = appLogFile;
        RuntimeLogFile = runtimeLogFile;
    }

    /// <summary>The app's output (and the status lines <c>dapr</c> writes beside it).</summary>
    public LineWriter App { get; }

    /// <summary>The runtime's logs (what daprd would print) and its status lines.</summary>
    public LineWriter Runtime { get; }

    public string? Directory { get; }
    public string? AppLogFile { get; }
    public string? RuntimeLogFile { get; }

    public static AppLogs ToConsole() => new(LineWriter.Console, LineWriter.Console, null, null, null);

    public static AppLogs ForRunFile(string appId, string appDirectory, string? appDestination, string? runtimeDestination, bool hasCommand, DateTime now)
    {
        var dir = Path.Combine(appDirectory, ".dapr", "logs");
        System.IO.Directory.CreateDirectory(dir);
        var stamp = now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var (runtime, runtimeFile) = Open(runtimeDestination ?? File, Path.Combine(dir, $"{appId}_daprd_{stamp}.log"));
        // Without a command there is no app output: dapr sends the app's lines to the daprd writer then.
        var (app, appFile) = hasCommand ? Open(appDestination ?? FileAndConsole, Path.Combine(dir, $"{appId}_app_{stamp}.log")) : (runtime, null);
        return new AppLogs(app, runtime, dir, appFile, runtimeFile);
    }

    private static (LineWriter Writer, string? File) Open(string destination, string file) => destination switch
    {
        Console => (LineWriter.Console, null),
        File => (LineWriter.ToFile(file, alsoConsole: false), file),
        _ => (LineWriter.ToFile(file, alsoConsole: true), file),
    };

    /// <summary>A status line as the Dapr CLI prints it: with its emoji on the console, bare in a log file.</summary>
    public static void Status(LineWriter writer, string emoji, string message)
    {
        writer.WriteLine(writer.IsConsole ? emoji + "  " + message : message);
    }

    public void Dispose()
    {
        App.Dispose();
        if (!ReferenceEquals(Runtime, App)) Runtime.Dispose();
    }
}
