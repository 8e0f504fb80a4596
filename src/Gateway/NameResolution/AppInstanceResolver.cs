using System.Collections.Concurrent;
using ActorRuntime.Grains.Directory;

namespace ActorRuntime.Gateway.NameResolution;

/// <summary>
/// Finds live instances of an app (or actor type) through the cluster's directory grains, with a short local cache so
/// the hot path makes no grain call. Picks round robin, skipping instances this gateway recently failed to reach, so a
/// dead instance stops getting calls at once here, and everywhere once its lease runs out.
/// </summary>
public sealed class AppInstanceResolver(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How long a directory answer is used before asking again (in the background while it is served).</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    /// <summary>How long an instance that refused a connection is left out here.</summary>
    public static readonly TimeSpan SuspectFor = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _suspects = new(StringComparer.Ordinal);

    /// <summary>The live instances under a directory key; an empty array when there are none.</summary>
    public async ValueTask<AppInstance[]> ResolveAsync(string directoryKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(directoryKey, out var entry))
        {
            if (now - entry.FetchedAt > CacheFor && entry.TryStartRefresh()) _ = RefreshAsync(directoryKey, entry);
            if (entry.Instances.Length > 0 || now - entry.FetchedAt <= CacheFor) return entry.Instances;
        }
        return (await FetchAsync(directoryKey).WaitAsync(cancellationToken)).Instances;
    }

    /// <summary>The next instance round robin, preferring ones not suspected; null when there is none.</summary>
    public AppInstance? Pick(string directoryKey, AppInstance[] instances, ISet<string>? exclude = null)
    {
        if (instances.Length == 0) return null;
        var entry = _entries.GetOrAdd(directoryKey, _ => new Entry([], DateTimeOffset.MinValue));
        var start = (int)((uint)Interlocked.Increment(ref entry.Cursor) % (uint)instances.Length);
        AppInstance? fallback = null;
        for (var i = 0; i < instances.Length; i++)
        {
            var candidate = instances[(start + i) % instances.Length];
            if (exclude?.Contains(candidate.InstanceId) == true) continue;
            if (!IsSuspect(candidate.InstanceId)) return candidate;
            fallback ??= candidate;
        }
        return fallback;
    }

    /// <summary>Leaves an instance out of picks for a while: a connection to it failed.</summary>
    public void MarkUnreachable(AppInstance instance) => _suspects[instance.InstanceId] = time.GetUtcNow() + SuspectFor;

    /// <summary>Forgets a cached answer, so the next call asks the directory.</summary>
    public void Invalidate(string directoryKey) => _entries.TryRemove(directoryKey, out _);

    private bool IsSuspect(string instanceId)
    {
        if (!_suspects.TryGetValue(instanceId, out var until)) return false;
        if (until > time.GetUtcNow()) return true;
        _suspects.TryRemove(instanceId, out _);
        return false;
    }

    private async Task<Entry> FetchAsync(string directoryKey)
    {
        var instances = await grains.GetGrain<IAppDirectoryGrain>(directoryKey).GetLive();
        var fresh = new Entry(instances, time.GetUtcNow());
        _entries.AddOrUpdate(directoryKey, fresh, (_, old) => { fresh.Cursor = old.Cursor; return fresh; });
        return fresh;
    }

    private async Task RefreshAsync(string directoryKey, Entry stale)
    {
        try { await FetchAsync(directoryKey); }
        catch (Exception) { stale.EndRefresh(); } // keep serving the stale answer; the next call tries again
    }

    private sealed class Entry(AppInstance[] instances, DateTimeOffset fetchedAt)
    {
        private int _refreshing;
        public int Cursor;
        public AppInstance[] Instances { get; } = instances;
        public DateTimeOffset FetchedAt { get; } = fetchedAt;
        public bool TryStartRefresh() => Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0;
        public void EndRefresh() => Volatile.Write(ref _refreshing, 0);
    }
}
