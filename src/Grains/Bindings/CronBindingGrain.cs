using ActorRuntime.Components.Bindings;
using ActorRuntime.Components.Bindings.Cron;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace ActorRuntime.Grains.Bindings;

/// <summary>
/// See <see cref="ICronBindingGrain"/>. Ticks come from a one-shot grain timer re-armed after each tick (exact to the
/// second, unlike reminders); a reminder every minute is only the durable heartbeat that re-activates the grain on a
/// live silo when the one holding it died and no gateway has renewed since. Before a tick is delivered it is written
/// as the last fired one, with the storage's ETag: if two activations briefly exist during a membership change, only
/// one write succeeds and only that one fires. After a failover the most recent tick missed within
/// <see cref="MissedTickGrace"/> is fired once, late; older missed ticks are dropped, as a cron daemon that was down would.
/// </summary>
[CollectionAgeLimit(Minutes = 5)]
public sealed partial class CronBindingGrain(BindingDeliveryClient client, ILogger<CronBindingGrain> logger) : Grain, ICronBindingGrain
{
    public const string HeartbeatReminder = "cron-heartbeat";
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MissedTickGrace = TimeSpan.FromMinutes(1);
    // A schedule nobody renewed for this long is dropped (its component was removed from every instance).
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(10);
    // Timers further out are re-armed on the way (grain timers take at most ~49 days, and clocks drift).
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromHours(1);

    private readonly Dictionary<string, (CronLease Lease, DateTime ExpiresAt)> _leases = new(StringComparer.Ordinal);
    private readonly GrainState<CronBindingState> _state = new(new CronBindingState());
    private IGrainStorage? _storage;
    private CronSchedule? _schedule;
    private IGrainTimer? _timer;
    private bool _heartbeatRegistered;
    private DateTime _lastRenewal = DateTime.UtcNow;
    private int _roundRobin;

    private string Key => this.GetPrimaryKeyString();
    private CronBindingState State => _state.State ??= new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetKeyedService<IGrainStorage>("Default");
        if (_storage is not null)
        {
            try
            {
                await _storage.ReadStateAsync(nameof(CronBindingGrain), this.GetGrainId(), _state);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Without storage the schedule still runs, but a failover may repeat or drop a tick.
                LogNoStorage(Key, e.Message);
                _storage = null;
            }
        }
        if (State.Schedule is { } text && CronSchedule.TryParse(text, out var schedule, out _)) _schedule = schedule;
        LogActivated(Key, State.Schedule ?? "(none yet)", State.LastFired);
        Arm();
    }

    public async Task Renew(CronLease lease)
    {
        _lastRenewal = DateTime.UtcNow;
        _leases[lease.InstanceId] = (lease, _lastRenewal + lease.Duration);
        if (lease.Schedule != State.Schedule || _schedule is null)
        {
            if (!CronSchedule.TryParse(lease.Schedule, out var schedule, out var error))
            {
                LogBadSchedule(Key, lease.Schedule, error);
                return;
            }
            _schedule = schedule;
            State.Schedule = lease.Schedule;
            await TryWriteAsync();
            Arm();
        }
        if (!_heartbeatRegistered)
        {
            await this.RegisterOrUpdateReminder(HeartbeatReminder, HeartbeatPeriod, HeartbeatPeriod);
            _heartbeatRegistered = true;
        }
    }

    public Task Remove(string instanceId)
    {
        _leases.Remove(instanceId);
        return Task.CompletedTask;
    }

    public Task<DateTimeOffset?> GetLastFired() => Task.FromResult(State.LastFired);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != HeartbeatReminder) return;
        _heartbeatRegistered = true;
        if (_schedule is null || DateTime.UtcNow - _lastRenewal > Abandoned && _leases.Count == 0)
        {
            // No app instance has asked for this schedule in a long time: stop coming back.
            var reminder = await this.GetReminder(HeartbeatReminder);
            if (reminder is not null) await this.UnregisterReminder(reminder);
            _heartbeatRegistered = false;
            DeactivateOnIdle();
            return;
        }
        Arm(); // activation already armed the timer; this keeps a timer that failed to arm from staying silent
    }

    /// <summary>Arms the timer for the next tick: the most recent one missed within the grace period, else the next to come.</summary>
    private void Arm()
    {
        if (_schedule is null) return;
        var now = DateTimeOffset.UtcNow;
        var from = State.LastFired is { } last ? (last > now - MissedTickGrace ? last : now - MissedTickGrace) : now;
        var tick = _schedule.Next(from);
        if (tick is null) return; // the expression never fires again
        for (var i = 0; i < 100_000 && _schedule.Next(tick.Value) is { } later && later <= now; i++) tick = later;
        var due = tick.Value - now;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        if (due > MaxTimerDue) due = MaxTimerDue;
        _timer?.Dispose();
        var target = tick.Value;
        _timer = this.RegisterGrainTimer(_ => OnTimerAsync(target), new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task OnTimerAsync(DateTimeOffset tick)
    {
        if (DateTimeOffset.UtcNow < tick || State.LastFired >= tick)
        {
            Arm(); // early (a long wait cut short) or already fired
            return;
        }
        State.LastFired = tick;
        if (!await TryWriteAsync())
        {
            Arm();
            return;
        }
        var now = DateTime.UtcNow;
        var live = _leases.Values.Where(l => l.ExpiresAt > now).Select(l => l.Lease).OrderBy(l => l.InstanceId, StringComparer.Ordinal).ToList();
        if (live.Count == 0) LogNoInstance(Key, tick);
        else
        {
            var start = _roundRobin++ % live.Count;
            var order = live.Skip(start).Concat(live.Take(start)).ToList();
            // readTimeUTC is the tick the event stands for, also when a failover fires it late: the app can tell ticks apart.
            var ev = new BindingEvent(ReadOnlyMemory<byte>.Empty, CronBinding.EventMetadata(tick, _schedule!.Zone));
            // Off the grain's turn: the app may take a while (and be retried by its inbound policy), renewals must not wait.
            _ = Task.Run(() => DeliverAsync(order, ev, tick));
        }
        Arm();
    }

    private async Task DeliverAsync(List<CronLease> order, BindingEvent ev, DateTimeOffset tick)
    {
        foreach (var lease in order)
        {
            try
            {
                if (!await client.DeliverAsync(lease.InstanceId, lease.Address, lease.BindingName, ev, CancellationToken.None))
                    LogAppFailed(lease.BindingName, tick, lease.InstanceId);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                LogInstanceUnreachable(lease.BindingName, lease.InstanceId, e.Message);
            }
        }
        LogNotDelivered(order[0].BindingName, tick);
    }

    /// <summary>Persists the state; false when another activation wrote it first (then this one stands down and re-reads).</summary>
    private async Task<bool> TryWriteAsync()
    {
        if (_storage is null) return true;
        try
        {
            await _storage.WriteStateAsync(nameof(CronBindingGrain), this.GetGrainId(), _state);
            return true;
        }
        catch (InconsistentStateException)
        {
            LogConflict(Key);
            try { await _storage.ReadStateAsync(nameof(CronBindingGrain), this.GetGrainId(), _state); }
            catch (Exception e) when (e is not OperationCanceledException) { LogNoStorage(Key, e.Message); }
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWriteFailed(Key, e.Message);
            return true; // fire anyway: a missed tick is worse than a tick a failover might repeat
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cron binding {Key} active on this silo: schedule {Schedule}, last fired tick {LastFired:o}")]
    private partial void LogActivated(string key, string schedule, DateTimeOffset? lastFired);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cron binding {Key}: grain storage unavailable ({Error}); ticks are not persisted")]
    private partial void LogNoStorage(string key, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cron binding {Key}: could not persist the last tick: {Error}")]
    private partial void LogWriteFailed(string key, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cron binding {Key}: another activation fired this tick; standing down")]
    private partial void LogConflict(string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cron binding {Key}: schedule '{Schedule}' {Error}")]
    private partial void LogBadSchedule(string key, string schedule, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cron binding {Key}: no live app instance for the tick at {Tick:o}; skipped")]
    private partial void LogNoInstance(string key, DateTimeOffset tick);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cron binding {Binding}: instance {Instance} unreachable ({Error}); trying another")]
    private partial void LogInstanceUnreachable(string binding, string instance, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cron binding {Binding}: the app failed the event of the tick at {Tick:o} on instance {Instance}")]
    private partial void LogAppFailed(string binding, DateTimeOffset tick, string instance);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cron binding {Binding}: no instance could take the event of the tick at {Tick:o}")]
    private partial void LogNotDelivered(string binding, DateTimeOffset tick);
}
