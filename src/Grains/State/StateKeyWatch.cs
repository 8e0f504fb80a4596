namespace ActorRuntime.Grains.State;

/// <summary>
/// The freshness of one active key grain's cache. The store's change feed bumps <see cref="Version"/> on any change
/// not written by the grain itself; the grain serves from memory only while the version is the one it cached at.
/// Lock-free for the grain's reads; bumps come from the feed's thread, so a change lands without waiting for a grain turn.
/// </summary>
public sealed class StateKeyWatch
{
    /// <summary>Stands for "deleted" where an ETag is compared.</summary>
    private const string DeletedMarker = "\0deleted";

    private readonly Lock _lock = new();
    private long _version;
    private string? _ownETag;
    private string? _lastSeen;

    public long Version => Volatile.Read(ref _version);

    /// <summary>A change from the feed. One that carries the ETag the grain itself last wrote is its own echo: ignored.</summary>
    public void Changed(string? etag, bool deleted)
    {
        var marker = deleted ? DeletedMarker : etag;
        lock (_lock)
        {
            if (marker is not null && marker == _ownETag) return;
            _lastSeen = marker;
            _version++;
        }
    }

    /// <summary>Any change: the cache is stale.</summary>
    public void Changed()
    {
        lock (_lock)
        {
            _lastSeen = null;
            _version++;
        }
    }

    /// <summary>
    /// Records a write (or delete, <paramref name="etag"/> null) the grain made starting at <paramref name="before"/>.
    /// Returns the version to cache the written value at, or null when someone else changed the key meanwhile.
    /// </summary>
    public long? Wrote(long before, string? etag)
    {
        var marker = etag ?? DeletedMarker;
        lock (_lock)
        {
            _ownETag = marker;
            if (_version == before) return before;
            // The feed may deliver the write's own echo before the store call returns.
            if (_version == before + 1 && _lastSeen == marker) return _version;
            return null;
        }
    }
}
