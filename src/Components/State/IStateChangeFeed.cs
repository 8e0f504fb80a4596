namespace ActorRuntime.Components.State;

/// <summary>
/// Optional capability of a store: it reports keys changed in the backing store by anyone (this process, another
/// runtime, a script), so a cache in front of it can drop what went stale. A store without it is read through.
/// </summary>
public interface IStateChangeFeed
{
    /// <summary>
    /// True while every change is being reported. False (not connected yet, connection lost, the server refused the
    /// subscription) means a cache must not answer reads; when it turns true again an "everything changed" is sent,
    /// because changes made meanwhile were missed.
    /// </summary>
    bool IsWatching { get; }

    /// <summary>Why <see cref="IsWatching"/> is false, for the log; null while watching.</summary>
    string? NotWatchingReason { get; }

    /// <summary>
    /// Calls <paramref name="onChange"/> for every change until the result is disposed. Called on the feed's own
    /// thread, one change at a time: it must be quick and must not throw.
    /// </summary>
    IDisposable Subscribe(Action<StateChange> onChange);
}

/// <summary>
/// One change reported by a <see cref="IStateChangeFeed"/>. <see cref="Key"/> null means "any key may have changed".
/// <see cref="ETag"/> is the new ETag when the store knows it; <see cref="Deleted"/> says the key was removed.
/// With neither, the key changed in a way the store cannot describe.
/// </summary>
public readonly record struct StateChange(string? Key, string? ETag = null, bool Deleted = false)
{
    public static readonly StateChange All = new(null);
    public bool IsAll => Key is null;
}
