using System.Globalization;
using System.Runtime.InteropServices;

namespace ActorRuntime.Cli.Processes;

/// <summary>
/// A process and everything it started. An app run as <c>npm start</c> is npm → sh → node: signalling npm alone
/// leaves node running (orphaned, still holding our output pipe), so stopping an app signals the whole tree.
/// </summary>
internal static partial class ProcessTree
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>The process and its descendants, parents first (from <c>/proc</c>; on other systems just the root).</summary>
    public static IReadOnlyList<int> Collect(int root)
    {
        var result = new List<int> { root };
        if (!OperatingSystem.IsLinux()) return result;
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in SafeDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (ParentOf(pid) is not { } parent) continue;
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
            list.Add(pid);
        }
        for (var i = 0; i < result.Count && result.Count < 4096; i++)
            if (children.TryGetValue(result[i], out var kids)) result.AddRange(kids);
        return result;
    }

    /// <summary>Sends <paramref name="signal"/> to each process; ones already gone are skipped.</summary>
    public static void Signal(IEnumerable<int> pids, int signal)
    {
        foreach (var pid in pids) _ = Kill(pid, signal);
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            var stat = ReadStat(pid);
            if (stat is null) return false;
            var state = stat.LastIndexOf(')') is var close and > 0 && close + 2 < stat.Length ? stat[close + 2] : '?';
            return state is not ('Z' or 'X');
        }
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int? ParentOf(int pid)
    {
        // Format: "pid (comm) state ppid ..."; comm may contain spaces and parentheses, so parse after the last ')'.
        var stat = ReadStat(pid);
        if (stat is null) return null;
        var close = stat.LastIndexOf(')');
        if (close < 0) return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
    }

    private static string? ReadStat(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    private static string[] SafeDirectories(string path)
    {
        try { return Directory.GetDirectories(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return []; }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
