namespace ActorRuntime.Components.Tests.Resiliency;

/// <summary>
/// A clock that only moves when told. Timers fire from <see cref="Advance"/>; <see cref="DriveAsync{T}"/> keeps
/// advancing to the next due timer until a task completes, so retry waits and timeouts take no real time and the
/// waits that were asked for are recorded in <see cref="Scheduled"/>.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks = TimeSpan.FromDays(1).Ticks;

    /// <summary>Every finite due time a timer was created or changed with, in order.</summary>
    public List<TimeSpan> Scheduled { get; } = [];

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(_ticks);
    }

    public override long GetTimestamp()
    {
        lock (_gate) return _ticks;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Time until the earliest pending timer, or null.</summary>
    public TimeSpan? NextDue
    {
        get
        {
            lock (_gate)
                return _timers.Count == 0 ? null : TimeSpan.FromTicks(Math.Max(0, _timers.Min(t => t.DueAt) - _ticks));
        }
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _ticks += by.Ticks;
            due = _timers.Where(t => t.DueAt <= _ticks).OrderBy(t => t.DueAt).ToList();
            foreach (var t in due) _timers.Remove(t);
        }
        foreach (var t in due) t.Fire();
    }

    /// <summary>Advances to each next timer until <paramref name="task"/> completes (at most 10s of real time).</summary>
    public async Task<T> DriveAsync<T>(Task<T> task)
    {
        var started = DateTime.UtcNow;
        while (!task.IsCompleted)
        {
            if (DateTime.UtcNow - started > TimeSpan.FromSeconds(10)) throw new TimeoutException("task did not complete");
            if (NextDue is { } next) Advance(next);
            else await Task.Delay(1);
        }
        return await task;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long DueAt;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan) return true;
                owner.Scheduled.Add(dueTime);
                DueAt = owner._ticks + dueTime.Ticks;
                owner._timers.Add(this);
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate) owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
