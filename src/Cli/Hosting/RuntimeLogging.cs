using ActorRuntime.Cli.Apps;

namespace ActorRuntime.Cli.Hosting;

internal static class RuntimeLogging
{
    /// <summary>Logs at <paramref name="level"/> to <paramref name="writer"/> (default: the console).</summary>
    /// <param name="clusterMember">An <c>actorrt silo</c> or <c>actorrt gateway</c>: its operator needs Orleans' warnings
    /// (a silo lost, a gateway connection dropped), which a developer running one app does not.</param>
    /// <param name="json"><c>--log-as-json</c>: daprd's JSON fields, one object per line, labelled with <paramref name="appId"/>.</param>
    public static void Configure(ILoggingBuilder logging, string level, LineWriter? writer = null, bool clusterMember = false,
        bool json = false, string appId = "")
    {
        logging.ClearProviders();
        logging.AddProvider(json
            ? new JsonLineLoggerProvider(writer ?? LineWriter.Console, appId)
            : new LineLoggerProvider(writer ?? LineWriter.Console));
        var min = Parse(level);
        logging.SetMinimumLevel(min);
        // Orleans and ASP.NET Core are chatty at Information; a developer wants the runtime's own lines.
        if (min > LogLevel.Debug)
        {
            // Orleans' warnings are about its own internals (e.g. the reminder-period warning at every start, a
            // neighbour silo that stopped): noise for someone running an app. --log-level debug shows them all.
            logging.AddFilter("Orleans", clusterMember ? LogLevel.Warning : LogLevel.Error);
            logging.AddFilter("Microsoft", LogLevel.Warning);
            // Orleans retries its placement through Polly, which reports every handled attempt as a warning.
            logging.AddFilter("Polly", LogLevel.Error);
            logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        }
    }

    public static LogLevel Parse(string level) => level.ToLowerInvariant() switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" => LogLevel.Critical,
        _ => throw new Commands.UsageException($"--log-level must be debug, info, warn, error or fatal, not '{level}'"),
    };
}
