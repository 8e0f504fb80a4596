using Orleans.Concurrency;

namespace ActorRuntime.Grains.Directory;

/// <summary>
/// In memory only, on purpose: entries are leases renewed every few seconds, so a directory lost with its silo is
/// rebuilt by the next round of renewals, and no storage write sits on the registration path.
/// </summary>
[Reentrant] // every method is synchronous: interleaving cannot split one
public sealed class AppDirectoryGrain(TimeProvider time) : Grain, IAppDirectoryGrain
{
    private readonly SortedDictionary<string, (AppInstance Instance, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private AppInstance[]? _live;

    public Task Renew(AppInstance instance, TimeSpan lease)
    {
        var expires = time.GetUtcNow() + lease;
        if (!_entries.TryGetValue(instance.InstanceId, out var e) || e.Instance != instance) _live = null;
        _entries[instance.InstanceId] = (instance, expires);
        return Task.CompletedTask;
    }

    public Task Remove(string instanceId)
    {
        if (_entries.Remove(instanceId)) _live = null;
        return Task.CompletedTask;
    }

    public Task<AppInstance[]> GetLive()
    {
        var now = time.GetUtcNow();
        List<string>? expired = null;
        foreach (var (id, e) in _entries)
            if (e.Expires <= now) (expired ??= []).Add(id);
        if (expired is not null)
        {
            foreach (var id in expired) _entries.Remove(id);
            _live = null;
        }
        _live ??= [.. _entries.Values.Select(e => e.Instance)];
        return Task.FromResult(_live);
    }
}
