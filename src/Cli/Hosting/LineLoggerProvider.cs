using System.Globalization;
using ActorRuntime.Cli.Apps;

namespace ActorRuntime.Cli.Hosting;

/// <summary>
/// Logs one line per entry (<c>HH:mm:ss.fff info: Category[id] message</c>, the simple console format) to a
/// <see cref="LineWriter"/>: the console for <c>actorrt run</c>, or an app's daprd log file for a run file.
/// </summary>
internal sealed class LineLoggerProvider(LineWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LineLogger(writer, categoryName);

    public void Dispose() { }

    private sealed class LineLogger(LineWriter writer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var time = DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var line = $"{time} {Level(logLevel)}: {category}[{eventId.Id}] {formatter(state, exception)}";
            writer.WriteLine(exception is null ? line : line + Environment.NewLine + exception);
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
