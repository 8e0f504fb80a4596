using System.Text;

namespace ActorRuntime.Cli.Apps;

/// <summary>
/// Writes whole lines to one or more targets (console, a log file, both), one line at a time so lines from the app,
/// the runtime and the CLI never interleave mid-line. <see cref="IsConsole"/> tells status lines whether to carry
/// the CLI's emoji prefix, as <c>dapr</c> writes them only to a terminal.
/// </summary>
public sealed class LineWriter : TextWriter
{
    private static readonly Lock ConsoleGate = new();
    private readonly TextWriter[] _targets;
    private readonly bool _console;
    private readonly StringBuilder _pending = new();

    private LineWriter(bool console, params TextWriter[] files)
    {
        _console = console;
        _targets = files;
    }

    public static LineWriter Console { get; } = new(console: true);

    /// <summary>One writer over several: the console once if any of them writes there, and every file.</summary>
    public static LineWriter Combine(IEnumerable<LineWriter> writers)
    {
        var all = writers.Distinct().ToList();
        if (all.Count == 1) return all[0];
        return new LineWriter(all.Any(w => w._console), [.. all.SelectMany(w => w._targets).Distinct()]) { _shared = true };
    }

    private bool _shared;

    public bool IsConsole => _console && _targets.Length == 0;

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>A writer to <paramref name="file"/> (created, with its folder) and, when <paramref name="alsoConsole"/>, to the console.</summary>
    public static LineWriter ToFile(string file, bool alsoConsole)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var stream = new StreamWriter(new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        return new LineWriter(alsoConsole, stream);
    }

    public override void WriteLine(string? value)
    {
        lock (_pending)
        {
            var line = _pending.Length > 0 ? _pending.Append(value).ToString() : value ?? "";
            _pending.Clear();
            if (_console) lock (ConsoleGate) System.Console.Out.WriteLine(line);
            foreach (var t in _targets) t.WriteLine(line);
        }
    }

    public override void Write(char value)
    {
        if (value == '\n') WriteLine("");
        else if (value != '\r') lock (_pending) _pending.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        var parts = value.Split('\n');
        for (var i = 0; i < parts.Length - 1; i++) WriteLine(parts[i].TrimEnd('\r'));
        if (parts[^1].Length > 0) lock (_pending) _pending.Append(parts[^1]);
    }

    public override void Flush()
    {
        if (_console) System.Console.Out.Flush();
        foreach (var t in _targets) t.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && this != Console && !_shared)
            foreach (var t in _targets) t.Dispose();
        base.Dispose(disposing);
    }
}
