using System.Collections.Concurrent;

namespace ActorRuntime.Grains.Actors;

/// <summary>
/// Gateways running in this process (as in <c>actorrt run</c>, where the silo and the gateways share one process),
/// by instance id. An actor grain whose host is one of them hands the call over directly instead of making an HTTP/2
/// hop to its own process's internal port; hosts elsewhere are still reached over the network.
/// </summary>
public static class InProcessActorHosts
{
    private static readonly ConcurrentDictionary<string, IActorHostChannel> Hosts = new(StringComparer.Ordinal);

    public static void Register(string instanceId, IActorHostChannel host) => Hosts[instanceId] = host;

    public static void Unregister(string instanceId) => Hosts.TryRemove(instanceId, out _);

    public static bool TryGet(string instanceId, out IActorHostChannel host) => Hosts.TryGetValue(instanceId, out host!);
}

/// <summary>A gateway's way into its app for actor calls: <c>{verb} /actors/{type}/{id}{path}</c>.</summary>
public interface IActorHostChannel
{
    Task<ActorAnswer> SendAsync(HttpMethod method, string actorType, string actorId, string path, byte[]? body, string? contentType,
        IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken);
}
