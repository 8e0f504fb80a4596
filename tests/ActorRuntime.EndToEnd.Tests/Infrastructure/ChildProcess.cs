using System.Diagnostics;
using System.Text;

namespace ActorRuntime.EndToEnd.Tests.Infrastructure;

/// <summary>Runs a short-lived command to completion with a time limit, capturing stdout and stderr interleaved.</summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output, bool TimedOut);

    public static async Task<Result> RunAsync(ProcessStartInfo psi, TimeSpan timeout)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new Result(-1, $"could not start '{psi.FileName}': {ex.Message}", false);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await process.WaitForExitAsync(grace.Token); } catch (OperationCanceledException) { }
            lock (output) return new Result(-1, output.ToString(), true);
        }
        lock (output) return new Result(process.ExitCode, output.ToString(), false);
    }
}
