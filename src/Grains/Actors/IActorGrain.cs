using Orleans.Runtime;

namespace ActorRuntime.Grains.Actors;

/// <summary>
/// One Dapr actor (type, id): key <c>{type}||{id}</c>. It holds the actor's turn lock, its timers and reminders, and is
/// pinned to one live instance of an app hosting the type for as long as it is active.
/// </summary>
[Alias("actorrt.IActorGrain")]
public interface IActorGrain : IGrainWithStringKey, IRemindable
{
    [Alias("invoke")]
    Task<ActorAnswer> Invoke(ActorCall call);

    [Alias("timer.set")]
    Task RegisterTimer(ActorScheduleRequest timer);

    [Alias("timer.del")]
    Task UnregisterTimer(string name);

    [Alias("reminder.set")]
    Task RegisterReminder(ActorScheduleRequest reminder);

    [Alias("reminder.get")]
    Task<ActorScheduleRequest?> GetReminder(string name);

    [Alias("reminder.del")]
    Task UnregisterReminder(string name);
}

public static class ActorGrainKeys
{
    public const string Separator = "||";

    public static string For(string actorType, string actorId) => actorType + Separator + actorId;

    public static (string Type, string Id) Parse(string key)
    {
        var i = key.IndexOf(Separator, StringComparison.Ordinal);
        return (key[..i], key[(i + Separator.Length)..]);
    }
}
