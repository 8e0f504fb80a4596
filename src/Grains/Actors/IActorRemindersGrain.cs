namespace ActorRuntime.Grains.Actors;

/// <summary>
/// The durable half of an actor's reminders (same key as the actor): what was registered and how many fires are left.
/// Kept apart from <see cref="IActorGrain"/> so that activating an actor costs no storage read unless it uses reminders.
/// </summary>
[Alias("actorrt.IActorRemindersGrain")]
public interface IActorRemindersGrain : IGrainWithStringKey
{
    [Alias("set")]
    Task Set(ActorScheduleRequest reminder);

    [Alias("get")]
    Task<ActorScheduleRequest?> Get(string name);

    [Alias("remove")]
    Task Remove(string name);

    /// <summary>Counts one fire; returns the reminder to deliver, or null when it no longer exists or has run out (it is then removed).</summary>
    [Alias("fire")]
    Task<ActorScheduleRequest?> TakeFire(string name, DateTimeOffset now);
}

[GenerateSerializer, Alias("actorrt.actors.reminderbook")]
public sealed class ActorReminderBook
{
    [Id(0)] public Dictionary<string, ActorScheduleRequest> Reminders { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public Dictionary<string, int> Fired { get; set; } = new(StringComparer.Ordinal);
}
