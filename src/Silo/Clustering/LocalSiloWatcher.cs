using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorRuntime.Silo.Clustering;

/// <summary>
/// Declares a machine-local silo dead as soon as its process is gone. Orleans on its own needs missed probes and
/// votes (seconds), during which calls to that silo fail; on one machine the process table is the truth, so every
/// silo checks the process ids of the silos it knows a few times a second. On a death it marks the rows dead
/// (<see cref="DeadLocalSilos.Reap"/>) and re-reads the membership table: the local silo then drops the dead one from
/// its directory and placement, and fails its pending calls to it at once (which <see cref="SiloLossRetryFilter"/>
/// retries). Every silo runs its own watcher, so each learns within the same fraction of a second.
/// </summary>
internal sealed partial class LocalSiloWatcher(
    IClusterMembershipService membership, ILocalSiloDetails local, LocalSiloWatcherSettings settings, ILogger<LocalSiloWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var gone = membership.CurrentSnapshot.Members.Values
                    .Where(m => m.Status != SiloStatus.Dead && !m.SiloAddress.Equals(local.SiloAddress))
                    .Where(m => DeadLocalSilos.ProcessIdOf(m.Name) is { } pid && !LocalProcess.IsRunning(pid))
                    .ToList();
                if (gone.Count == 0) continue;
                var marked = DeadLocalSilos.Reap(settings.ConnectionString, settings.ClusterId);
                foreach (var m in gone) LogProcessGone(logger, m.Name, m.SiloAddress, marked);
                await membership.Refresh(default, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Name} ({Address}) is gone: its process exited; declared dead ({Marked} row(s) marked)")]
    private static partial void LogProcessGone(ILogger logger, string? name, SiloAddress address, int marked);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Checking the processes of local silos failed; next check shortly")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}

/// <summary>Where the machine-local membership table is, for <see cref="LocalSiloWatcher"/>.</summary>
internal sealed record LocalSiloWatcherSettings(string ConnectionString, string ClusterId);
