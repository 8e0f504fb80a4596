using Microsoft.Extensions.Logging.Console;

namespace ActorRuntime.Cli.Hosting;

internal static class RuntimeLogging
{
    public static void Configure(ILoggingBuilder logging, string level, string? scope = null)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        var min = Parse(level);
        logging.SetMinimumLevel(min);
        // Orleans and ASP.NET Core are chatty at Information; a developer wants the runtime's own lines.
        if (min > LogLevel.Debug)
        {
            logging.AddFilter("Orleans", LogLevel.Warning);
            // Its first check after start-up compares against process start and always warns.
            logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
            // A gateway waiting for its first silo would log this every second; RetryForever reports it more calmly.
            logging.AddFilter("Orleans.Messaging.GatewayManager", LogLevel.Error);
            logging.AddFilter("Microsoft", LogLevel.Warning);
            logging.AddFilter("Polly", LogLevel.Warning);
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
