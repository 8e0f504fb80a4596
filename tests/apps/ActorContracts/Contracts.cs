using System.Runtime.Serialization;
using Dapr.Actors;

namespace ActorTestApps;

/// <summary>Actor type names, as registered by ActorHost and used by callers.</summary>
public static class ActorTypes
{
    public const string Counter = "CounterActor";
    public const string Reminder = "ReminderActor";
    public const string Reentrant = "ReentrantActor";
    public const string NonReentrant = "NonReentrantActor";
}

/// <summary>
/// A counter kept in actor state, plus probes for turn-based concurrency. Every method has at most one parameter so
/// that it can be called both through the SDK's remoting proxy and through the plain HTTP API (JSON body).
/// </summary>
public interface ICounterActor : IActor
{
    Task<int> Increment();
    Task<int> Get();
    /// <summary>Sleeps <paramref name="ms"/> inside the actor turn, recording overlapping calls on the same id.</summary>
    Task<int> SlowCall(int ms);
    /// <summary>How many times a call entered this actor id while another call was still running in it.</summary>
    Task<int> GetOverlaps();
    /// <summary>The highest number of SlowCall executions observed at once in this process, across all ids.</summary>
    Task<int> GetMaxConcurrency();
    /// <summary><c>APP_ID:pid</c> of the process hosting this activation.</summary>
    Task<string> WhoAmI();
    /// <summary>Throws an InvalidOperationException with <paramref name="message"/>.</summary>
    Task Fail(string message);
}

[DataContract]
public sealed class ReminderSpec
{
    [DataMember] public string Name { get; set; } = "";
    /// <summary>Passed to the runtime as-is (Go duration, ISO 8601 duration, RFC3339 time); null leaves it out.</summary>
    [DataMember] public string? DueTime { get; set; }
    [DataMember] public string? Period { get; set; }
    [DataMember] public string? Ttl { get; set; }
}

[DataContract]
public sealed class TimerSpec
{
    [DataMember] public string Name { get; set; } = "";
    [DataMember] public string? DueTime { get; set; }
    [DataMember] public string? Period { get; set; }
    [DataMember] public string? Ttl { get; set; }
    /// <summary>True registers through the SDK (<c>RegisterTimerAsync</c>, DueTime/Period as TimeSpan strings like 00:00:01);
    /// false calls the runtime's HTTP timer API with the strings as-is.</summary>
    [DataMember] public bool ViaSdk { get; set; }
}

[DataContract]
public sealed class FireRecord
{
    [DataMember] public string Kind { get; set; } = ""; // "reminder" or "timer"
    [DataMember] public string Name { get; set; } = "";
    [DataMember] public DateTime Utc { get; set; }
}

/// <summary>Reminders and timers: each fire is kept in actor state and printed as <c>REMINDER|TIMER id name utc</c>.</summary>
public interface IReminderActor : IActor
{
    Task RegisterReminder(ReminderSpec spec);
    /// <summary>Registers through the SDK's <c>RegisterReminderAsync(name, state, TimeSpan dueTime, TimeSpan period)</c>.</summary>
    Task RegisterReminderViaSdk(ReminderSpec spec);
    Task UnregisterReminder(string name);
    Task RegisterTimer(TimerSpec spec);
    Task UnregisterTimer(string name);
    Task<FireRecord[]> GetFires();
    Task<string> WhoAmI();
}

/// <summary>A calls B on the same actor id through an ActorProxy: only possible when reentrancy is on.</summary>
public interface IReentrancyProbe : IActor
{
    /// <summary>Calls <see cref="B"/> on itself and returns its answer prefixed with "A>".</summary>
    Task<string> A();
    Task<string> B();
}
