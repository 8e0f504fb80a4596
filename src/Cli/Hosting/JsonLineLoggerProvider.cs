using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorRuntime.Cli.Apps;

namespace ActorRuntime.Cli.Hosting;

/// <summary>
/// <c>--log-as-json</c>: one JSON object per line with daprd's fields (<c>time</c> RFC 3339, <c>level</c>, <c>msg</c>,
/// <c>scope</c>, <c>type: log</c>, <c>instance</c>, <c>app_id</c>, <c>ver</c>), so a log pipeline built for daprd parses
/// ours. An exception adds its type and message to <c>msg</c>, not its stack, keeping each entry on one line.
/// </summary>
internal sealed class JsonLineLoggerProvider(LineWriter writer, string appId) : ILoggerProvider
{
    private static readonly string Instance = Environment.MachineName;
    // Log text, not HTML: '+' in the time offset and non-ASCII in messages stay readable (JSON stays valid).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string Version = typeof(JsonLineLoggerProvider).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public ILogger CreateLogger(string categoryName) => new JsonLineLogger(writer, appId, categoryName);

    public void Dispose() { }

    /// <summary>daprd's level names (logrus): debug, info, warning, error, fatal.</summary>
    internal static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "fatal",
    };

    /// <summary>One entry as daprd writes it; public to tests through the assembly's internals.</summary>
    internal static string Format(DateTimeOffset time, LogLevel level, string message, string scope, string appId)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("app_id", appId);
            json.WriteString("instance", Instance);
            json.WriteString("level", Level(level));
            json.WriteString("msg", message);
            json.WriteString("scope", scope);
            json.WriteString("time", time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture));
            json.WriteString("type", "log");
            json.WriteString("ver", Version);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private sealed class JsonLineLogger(LineWriter writer, string appId, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message = $"{message}: {exception.GetType().Name}: {exception.Message}";
            writer.WriteLine(Format(DateTimeOffset.Now, logLevel, message, category, appId));
        }
    }
}
