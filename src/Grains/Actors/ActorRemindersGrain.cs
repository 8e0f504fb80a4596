namespace ActorRuntime.Grains.Actors;

/// <summary>Stored in the grain storage named <c>Default</c>: the actor state store in <c>actorrt run</c>.</summary>
public sealed class ActorRemindersGrain([PersistentState("actorreminders", "Default")] IPersistentState<ActorReminderBook> book) : Grain, IActorRemindersGrain
{
    public async Task Set(ActorScheduleRequest reminder)
    {
        book.State.Reminders[reminder.Name] = reminder;
        book.State.Fired.Remove(reminder.Name);
        await book.WriteStateAsync();
    }

    public Task<ActorScheduleRequest?> Get(string name) =>
        Task.FromResult(book.State.Reminders.GetValueOrDefault(name));

    public async Task Remove(string name)
    {
        if (!book.State.Reminders.Remove(name)) return;
        book.State.Fired.Remove(name);
        await book.WriteStateAsync();
    }

    public async Task<ActorScheduleRequest?> TakeFire(string name, DateTimeOffset now)
    {
        if (!book.State.Reminders.TryGetValue(name, out var r)) return null;
        if (r.ExpiresAt is { } expires && now > expires)
        {
            await Remove(name);
            return null;
        }
        var fired = book.State.Fired.GetValueOrDefault(name) + 1;
        var limit = r.Interval is null ? 1 : r.Repetitions;
        if (limit is { } max && fired > max)
        {
            await Remove(name);
            return null;
        }
        // Counted before delivery: a crash right after this write loses at most this one fire, never repeats it forever.
        if (limit is not null) // unlimited reminders need no count, and no write per fire
        {
            book.State.Fired[name] = fired;
            await book.WriteStateAsync();
        }
        return r;
    }
}
