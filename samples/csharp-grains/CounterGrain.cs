using Microsoft.Extensions.Logging;

namespace UserSilo;

/// <summary>
/// Grain state: stored as JSON (<c>{"count":3,"ticks":12}</c>) in the actor state store component by default, under
/// the key <c>{serviceId}||grain||counter||{key}||counter</c>. A plain class with public properties is enough.
/// </summary>
public sealed class CounterState
{
    public long Count { get; set; }
    public long Ticks { get; set; }
}

/// <summary>
/// The grain. <c>[PersistentState("counter")]</c> uses the default grain storage that <c>AddActorRuntimeSilo</c>
/// registers; <c>[PersistentState("counter", "statestore")]</c> would name the component explicitly.
/// </summary>
public sealed partial class CounterGrain(
    [PersistentState("counter")] IPersistentState<CounterState> state,
    ILogger<CounterGrain> logger) : Grain, ICounterGrain, IRemindable
{
    private const string TickReminder = "tick";

    public async Task<CounterSnapshot> Increment(int by = 1)
    {
        state.State.Count += by;
        await state.WriteStateAsync(); // durable (and ETag-checked) before the caller gets an answer
        return Snapshot();
    }

    public Task<CounterSnapshot> Get() => Task.FromResult(Snapshot());

    public Task StartTicking(TimeSpan period) => this.RegisterOrUpdateReminder(TickReminder, dueTime: period, period: period);

    public async Task StopTicking()
    {
        if (await this.GetReminder(TickReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    /// <summary>Called by Orleans for every reminder tick; activates the grain first if it was not active.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != TickReminder) return;
        state.State.Ticks++;
        await state.WriteStateAsync();
        // The reminder's period number (0 = first tick): the same number logged twice is a tick delivered twice.
        var slot = status.Period > TimeSpan.Zero ? (long)Math.Round((status.CurrentTickTime - status.FirstTickTime) / status.Period) : 0;
        LogTick(this.GetPrimaryKeyString(), state.State.Ticks, slot);
    }

    private CounterSnapshot Snapshot() => new(state.State.Count, state.State.Ticks);

    [LoggerMessage(Level = LogLevel.Information, Message = "counter {Key}: tick {Ticks} (reminder period {Slot})")]
    private partial void LogTick(string key, long ticks, long slot);
}
