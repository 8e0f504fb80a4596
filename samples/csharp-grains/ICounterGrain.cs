namespace UserSilo;

/// <summary>
/// A counter with durable state: <see cref="Increment"/> counts calls, and once <see cref="StartTicking"/> was called
/// a reminder adds to <see cref="CounterSnapshot.Ticks"/> every period, even across restarts of every silo.
/// Keyed by a string: <c>grains.GetGrain&lt;ICounterGrain&gt;("c1")</c>.
/// </summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<CounterSnapshot> Increment(int by = 1);

    Task<CounterSnapshot> Get();

    /// <summary>Registers (or changes) the "tick" reminder; Orleans persists it in the cluster's reminder store.</summary>
    Task StartTicking(TimeSpan period);

    Task StopTicking();
}
