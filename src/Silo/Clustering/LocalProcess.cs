using System.Diagnostics;
using System.Globalization;

namespace ActorRuntime.Silo.Clustering;

/// <summary>Whether a process of this machine still runs: what makes a machine-local silo's death certain.</summary>
internal static class LocalProcess
{
    /// <summary>True while the process exists and is not a zombie (killed but not yet reaped by its parent).</summary>
    public static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            string stat;
            try { stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return false; }
            // "pid (comm) state ...": comm may hold spaces or parentheses, the state follows the last ')'.
            var close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] is not ('Z' or 'X');
        }
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
