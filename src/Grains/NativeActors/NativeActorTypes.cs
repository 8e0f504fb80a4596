using Orleans.Metadata;

namespace ActorRuntime.Grains.NativeActors;

/// <summary>
/// Which Dapr actor types are C# grains (<see cref="DaprActorAttribute"/>) somewhere in the cluster: the grain types
/// <c>dapr.{type}</c> of the cluster manifest, read again whenever the manifest's version changes (a silo with other
/// grains joined or left). Works in silos and in clients.
/// </summary>
public sealed class NativeActorTypes(IClusterManifestProvider manifests)
{
    private Snapshot? _snapshot;

    /// <summary>True when a silo of the cluster has a C# grain for <paramref name="actorType"/>.</summary>
    public bool Contains(string actorType)
    {
        var manifest = manifests.Current;
        var snapshot = _snapshot;
        if (snapshot is null || snapshot.Version != manifest.Version)
            _snapshot = snapshot = new Snapshot(manifest.Version, [.. manifest.AllGrainManifests
                .SelectMany(m => m.Grains.Keys)
                .Select(t => t.ToString()!)
                .Where(t => t.StartsWith(DaprActorAttribute.GrainTypePrefix, StringComparison.Ordinal))
                .Select(t => t[DaprActorAttribute.GrainTypePrefix.Length..])]);
        return snapshot.Types.Contains(actorType);
    }

    /// <summary>The grain of the C# actor (<paramref name="actorType"/>, <paramref name="actorId"/>).</summary>
    public static IJsonActorGrain Grain(IGrainFactory grains, string actorType, string actorId) =>
        grains.GetGrain<IJsonActorGrain>(DaprActorAttribute.GrainIdOf(actorType, actorId));

    private sealed record Snapshot(MajorMinorVersion Version, HashSet<string> Types);
}
